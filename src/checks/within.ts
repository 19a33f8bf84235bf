/**
 * A browser call's answer, or LATE when it has not come within `ms`. A browser API the checks await (getStats()
 * on a peer connection) has no time limit of its own, and no check may wait for ever on one: the caller
 * decides what a late answer means.
 */
export const LATE: unique symbol = Symbol('late');

export async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<typeof LATE>((r) => (timer = setTimeout(() => r(LATE), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
