/**
 * The relay process's network shell: one HTTPS server carrying the HTTP routes and the WSS upgrade, plus
 * the probe listeners (TLS per TCP probe port, STUN per UDP probe port) that share the probe sessions the
 * WSS connections start. listen() and close() are idempotent so tests and signal handlers can call them
 * freely.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { ProbeRegistry } from './core/probe-sessions.ts';
import { BindingResponder } from './core/stun/binding-responder.ts';
import { SourceRateLimit } from './core/stun/source-rate-limit.ts';
import { handleHttp } from './http-routes.ts';
import { httpsServerOptions } from './https-options.ts';
import type { Logger } from './logger.ts';
import { createProbeListeners, type ProbeOptions, type ProbePortsStatus } from './probes/probe-listeners.ts';
import { createShare, type ShareOptions } from './share/share-app.ts';
import type { TlsIdentity } from './tls-cert.ts';
import { createWss, type MediaOptions } from './wss.ts';

/**
 * STUN answers per second per source address. A browser probing every UDP port of a profile sends a few
 * checks per port (retransmits, then a consent check every few seconds): far below this.
 */
export const STUN_ANSWERS_PER_SECOND = 50;
/** Source addresses the rate limit tracks at once. */
const STUN_MAX_SOURCES = 10_000;

export interface RelayOptions {
  host: string;
  port: number;
  version: string;
  tls: TlsIdentity;
  log: Logger;
  media: MediaOptions;
  /** Probe ports; none by default, and then on the media address. */
  probes?: ProbeOptions;
  /** Report sharing (upload API, support console, retention sweep); off without it. */
  share?: ShareOptions;
}

export interface Relay {
  /** Resolves once HTTPS listens and every probe port was tried; rejects only if HTTPS cannot listen. */
  listen(): Promise<{ host: string; port: number; probes: ProbePortsStatus }>;
  /**
   * Stops accepting, ends media sessions (telling clients 'shutdown'), closes WebSockets with 1001 (going
   * away), waits up to graceMs for connections, then destroys sockets.
   */
  close(graceMs: number): Promise<void>;
  /** Runs the retention sweep now (it also runs at listen() and hourly); 0 without sharing. */
  sweepReports(): Promise<number>;
}

export function createRelay(opts: RelayOptions): Relay {
  const startedAt = Date.now();
  const sockets = new Set<Socket>();
  const registry = new ProbeRegistry({ random: (n) => randomBytes(n) });
  const responder = new BindingResponder({
    passwordFor: (ufrag, now) => registry.passwordFor(ufrag, now),
    limit: new SourceRateLimit({ perSecond: STUN_ANSWERS_PER_SECOND, maxSources: STUN_MAX_SOURCES }),
  });
  const probes = createProbeListeners({
    probes: opts.probes ?? { address: opts.media.address, tcp: [], udp: [] },
    tls: opts.tls,
    log: opts.log,
    registry,
    responder,
    now: Date.now,
  });
  const relayWss = createWss({
    version: opts.version,
    log: opts.log,
    now: Date.now,
    media: opts.media,
    probes: { registry, status: probes.status },
  });
  const { wss } = relayWss;
  let listeningUrl = '';
  const share = opts.share ? createShare(opts.share, opts.log, () => listeningUrl) : null;
  const { first, last } = opts.media.ports;
  const server: Server = createServer(httpsServerOptions(opts.tls), (req, res) =>
    handleHttp(req, res, {
      version: opts.version,
      startedAt,
      now: Date.now,
      openSockets: () => sockets.size,
      sessions: relayWss.sessions,
      mediaPorts: `${first}-${last}`,
      probes: probes.health,
      mounts: share?.mounts ?? [],
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

  let listening: Promise<{ host: string; port: number; probes: ProbePortsStatus }> | null = null;
  let closing: Promise<void> | null = null;
  return {
    listen() {
      listening ??= (async () => {
        // Sharing first: an upload that arrives as soon as we listen finds the salt read and old reports gone.
        await share?.start();
        // Probe ports first: once a client can reach the WSS, probe-session lists every port truthfully.
        const probeStatus = await probes.open();
        try {
          const port = await new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(opts.port, opts.host, () => {
              const addr = server.address();
              resolve(typeof addr === 'object' && addr ? addr.port : opts.port);
            });
          });
          listeningUrl = `https://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
          return { host: opts.host, port, probes: probeStatus };
        } catch (err) {
          await probes.close(0);
          throw err;
        }
      })();
      return listening;
    },
    close(graceMs) {
      closing ??= (async () => {
        share?.stop();
        const serverClosed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, graceMs).unref();
        });
        // Ends every session and closes every WebSocket with 1001; resolves once the media ports are free.
        await Promise.all([serverClosed, relayWss.shutdown(), probes.close(graceMs)]);
      })();
      return closing;
    },
    sweepReports: () => share?.sweep() ?? Promise.resolve(0),
  };
}
