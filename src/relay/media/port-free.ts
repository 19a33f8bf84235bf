/**
 * Whether a media port can be bound right now (UDP, and TCP when ICE-TCP is on). werift silently leaves out
 * a candidate whose port another process holds, so the relay checks first and moves on to the next port.
 * There is still a short window between this check and werift's own bind; a session that loses that race
 * ends as 'busy' with a one-second retry.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function udpFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
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

export async function portFree(address: string, port: number, tcp: boolean): Promise<boolean> {
  return (await udpFree(address, port)) && (!tcp || (await tcpFree(address, port)));
}
