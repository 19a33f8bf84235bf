/**
 * Reads the ClientHello of every TLS connection to an HTTPS server before TLS starts, so a route can tell
 * the client what hello the relay received (src/relay/core/client-hello.ts says why). The server's own TLS
 * handling is moved behind a first read of at most one TLS record (16 KiB), bounded by the handshake time
 * limit (a connection without a whole hello by then is closed); the bytes read are handed back to the
 * socket, and TLS then reads them as if nothing had happened.
 */
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { ClientHello } from '../protocol/relay-messages.ts';
import { firstRecordLength, parseClientHello } from './core/client-hello.ts';

type ConnectionListener = (this: Server, socket: Socket) => void;

export interface HelloCapture {
  /** The hello seen on this TLS connection (the socket a request came in on), if it was read. */
  helloOf(socket: object): ClientHello | null;
}

export function captureClientHellos(server: Server, timeoutMs: number): HelloCapture {
  const hellos = new WeakMap<Socket, ClientHello>();
  // The TLS layer's own listener, registered when the server was made: it must run after the read.
  const tls = server.listeners('connection')[0] as ConnectionListener | undefined;
  if (!tls) throw new Error('captureClientHellos: the server has no TLS connection listener');
  server.removeListener('connection', tls);
  server.prependListener('connection', (socket: Socket) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const done = (hello: ClientHello | null) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.pause();
      if (hello) hellos.set(socket, hello);
      if (have > 0) socket.unshift(Buffer.concat(chunks, have));
      if (!socket.destroyed) tls.call(server, socket);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      const bytes = have === chunk.length ? chunk : Buffer.concat(chunks, have);
      const need = firstRecordLength(bytes);
      if (need === null) return;
      // Not TLS (plain HTTP to the TLS port): TLS itself answers it, as before.
      if (need === 0) return done(null);
      if (have >= need) done(parseClientHello(bytes));
    };
    const onEnd = () => done(null);
    // No whole hello within the handshake time limit: the handshake cannot finish in time either, so the
    // connection ends here, as TLS would have ended it (handing it on would double the limit).
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('close', () => clearTimeout(timer));
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
  return {
    helloOf(socket) {
      // A request's socket is the TLS socket; the hello belongs to the TCP socket under it.
      const raw = (socket as { _parent?: Socket })._parent ?? (socket as Socket);
      return hellos.get(raw) ?? null;
    },
  };
}
