/**
 * Whether a media port can be bound right now (UDP, and TCP when ICE-TCP is on). werift silently leaves out
 * a candidate whose port another process holds, so the relay checks first and moves on to the next port.
 * With an IPv6 media address the port must be free on both addresses: the session binds it on each.
 * There is still a short window between this check and werift's own bind; a session that loses that race
 * ends as 'busy' with a one-second retry.
 */
import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';

function udpFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind({ address, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

function tcpFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: address, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Whether the port is free on every address given (null: no such address, e.g. no IPv6 media address). */
export async function portFree(
  addresses: ReadonlyArray<string | null | undefined>,
  port: number,
  tcp: boolean,
): Promise<boolean> {
  for (const address of addresses) {
    if (!address) continue;
    if (!(await udpFree(address, port)) || (tcp && !(await tcpFree(address, port)))) return false;
  }
  return true;
}
