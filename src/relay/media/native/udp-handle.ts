import type { Socket } from 'node:dgram';

/** Node's UDP handle, as far as the native echo and the benchmark's native callers use it. */
export interface UdpHandle {
  fd: number;
  recvStart(): number;
  recvStop(): number;
}

/**
 * The UDP handle of a bound dgram socket, or null. Node keeps it in the socket's "state symbol" object;
 * the public-looking `socket._handle` getter is the same handle behind a deprecation warning (DEP0112),
 * which a provider would otherwise read in the relay's log at every session handed to the add-on.
 */
export function udpHandleOf(socket: Socket): UdpHandle | null {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle = state
    ? (socket as unknown as Record<symbol, { handle?: Partial<UdpHandle> } | undefined>)[state]?.handle
    : undefined;
  if (
    !handle ||
    typeof handle.fd !== 'number' ||
    handle.fd < 0 ||
    typeof handle.recvStart !== 'function' ||
    typeof handle.recvStop !== 'function'
  ) {
    return null;
  }
  return handle as UdpHandle;
}
