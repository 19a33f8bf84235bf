/**
 * The clock of the NAT binding lifetime sessions: while one is live, a tick every TICK_MS sends the requests
 * that are due from their UDP probe ports. Asleep otherwise, so an idle relay runs no timer for it.
 */
import type { BindingLifetimes, Outgoing } from '../core/binding-lifetime.ts';

/** The resolution of the measured gaps is far coarser (seconds); this only bounds how late a request goes. */
export const TICK_MS = 100;

export function bindingTimer(
  lifetimes: BindingLifetimes,
  send: (relayPort: number, to: Outgoing['to'], bytes: Uint8Array) => void,
  now: () => number,
): { wake(): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const tick = () => {
    const t = now();
    for (const o of lifetimes.due(t)) send(o.relayPort, o.to, o.bytes);
    if (!lifetimes.busy(t)) stop();
  };
  return {
    wake() {
      timer ??= setInterval(tick, TICK_MS);
      timer.unref();
    },
    stop,
  };
}
