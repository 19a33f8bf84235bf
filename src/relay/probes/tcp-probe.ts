/**
 * One TCP probe port: an HTTPS server with the relay's certificate that answers GET /probe-port, so the
 * browser can tell that a TLS connection to this port gets through the firewall (and which TLS it got).
 */
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import type { ProbePort } from '../../protocol/relay-messages.ts';
import { captureClientHellos, type HelloCapture } from '../client-hello-capture.ts';
import type { CapRefusal, ConnectionCap } from '../core/connection-cap.ts';
import { probePortArea } from '../http/relay-routes.ts';
import { createRouter } from '../http/router.ts';
import {
  type ConnectionLimits,
  capConnections,
  httpsServerOptions,
  secureContextOptions,
} from '../https-options.ts';
import type { Logger } from '../logger.ts';
import type { TlsIdentity } from '../tls-cert.ts';

export interface ProbeListener {
  /** Resolves once listening; rejects with the bind error (EADDRINUSE, EACCES…). */
  listen(): Promise<void>;
  /** Stops accepting; open connections get graceMs, then are destroyed. Safe to call unopened. */
  close(graceMs: number): Promise<void>;
  /** Presents this certificate from the next handshake on (TCP probes only; open connections keep theirs). */
  setTls?(tls: TlsIdentity): void;
  /** Sends a datagram from this port (UDP probes only: the NAT binding lifetime's requests). */
  send?(bytes: Uint8Array, to: { address: string; port: number }): void;
}

export function createTcpProbe(opts: {
  address: string;
  port: ProbePort;
  tls: TlsIdentity;
  log: Logger;
  limits: ConnectionLimits;
  /** The relay's one per-address connection cap, shared with the HTTPS port. */
  cap: ConnectionCap;
  onRefused: (why: CapRefusal) => void;
}): ProbeListener {
  const sockets = new Set<Socket>();
  let hellos: HelloCapture | null = null;
  // No page here takes an origin: the one route is readable from anywhere.
  const route = createRouter({
    areas: [probePortArea(opts.port, (socket) => hellos?.helloOf(socket) ?? null)],
    selfUrl: () => '',
    hsts: true,
    log: opts.log,
  });
  const server = createServer(httpsServerOptions(opts.tls, opts.limits), route);
  // The hello is read as on the HTTPS port: a middlebox may inspect only the SIP/TLS ports, which is what
  // breaks phones. Before the cap's listener, so TLS starts only once the hello has been read.
  hellos = captureClientHellos(server, opts.limits.tlsHandshakeTimeoutMs);
  capConnections(server, opts.cap, opts.onRefused);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', (err) =>
    opts.log.debug({ event: 'tls-client-error', relayPort: opts.port.relayPort, err: err.message }),
  );
  // Nothing upgrades here: the WSS endpoint is on the main port only.
  server.on('upgrade', (_req, socket: Socket) => socket.destroy());
  return {
    setTls: (tls) => server.setSecureContext(secureContextOptions(tls)),
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port.relayPort, opts.address, () => {
          server.off('error', reject);
          server.on('error', (err) =>
            opts.log.warn({ event: 'probe-error', transport: 'tcp', ...opts.port, err: err.message }),
          );
          resolve();
        });
      }),
    close: (graceMs) =>
      new Promise((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs).unref();
      }),
  };
}
