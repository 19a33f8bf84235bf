/**
 * The relay process's network shell: one HTTPS server carrying the HTTP routes and the WSS upgrade.
 * listen() and close() are idempotent so tests and signal handlers can call them freely.
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { handleHttp } from './http-routes.ts';
import type { Logger } from './logger.ts';
import type { TlsIdentity } from './tls-cert.ts';
import { createWss, type MediaOptions } from './wss.ts';

export interface RelayOptions {
  host: string;
  port: number;
  version: string;
  tls: TlsIdentity;
  log: Logger;
  media: MediaOptions;
}

export interface Relay {
  listen(): Promise<{ host: string; port: number }>;
  /**
   * Stops accepting, ends media sessions (telling clients 'shutdown'), closes WebSockets with 1001 (going
   * away), waits up to graceMs for connections, then destroys sockets.
   */
  close(graceMs: number): Promise<void>;
}

export function createRelay(opts: RelayOptions): Relay {
  const startedAt = Date.now();
  const sockets = new Set<Socket>();
  const relayWss = createWss({ version: opts.version, log: opts.log, now: Date.now, media: opts.media });
  const { wss } = relayWss;
  const { first, last } = opts.media.ports;
  const server: Server = createServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      minVersion: 'TLSv1.2',
      headersTimeout: 10_000,
      requestTimeout: 15_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) =>
      handleHttp(req, res, {
        version: opts.version,
        startedAt,
        now: Date.now,
        openSockets: () => sockets.size,
        sessions: relayWss.sessions,
        mediaPorts: `${first}-${last}`,
      }),
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', (err) => opts.log.debug({ event: 'tls-client-error', err: err.message }));
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'https://relay.invalid').pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  let listening: Promise<{ host: string; port: number }> | null = null;
  let closing: Promise<void> | null = null;
  return {
    listen() {
      listening ??= new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          const addr = server.address();
          resolve({ host: opts.host, port: typeof addr === 'object' && addr ? addr.port : opts.port });
        });
      });
      return listening;
    },
    close(graceMs) {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, graceMs).unref();
        });
        // Ends every session and closes every WebSocket with 1001; resolves once the media ports are free.
        await Promise.all([serverClosed, relayWss.shutdown()]);
      })();
      return closing;
    },
  };
}
