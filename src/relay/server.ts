/**
 * The relay process's network shell: one HTTPS server carrying the HTTP routes and the WSS upgrade, plus
 * the probe listeners (TLS per TCP probe port, STUN per UDP probe port) that share the probe sessions the
 * WSS connections start. listen() and close() are idempotent so tests and signal handlers can call them
 * freely.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { DEFAULT_BINDING_GAPS_S } from '../protocol/relay-messages.ts';
import { captureClientHellos, type HelloCapture } from './client-hello-capture.ts';
import type { MetricsListen } from './config/values.ts';
import { BindingLifetimes } from './core/binding-lifetime.ts';
import type { CapRefusal } from './core/connection-cap.ts';
import { ProbeRegistry } from './core/probe-sessions.ts';
import { RateLimiter } from './core/rate-limit.ts';
import { BindingResponder } from './core/stun/binding-responder.ts';
import { classifyOrigin, selfOrigins } from './http/origin-policy.ts';
import { metricsRoute, relayArea } from './http/relay-routes.ts';
import { createRouter } from './http/router.ts';
import {
  type ConnectionLimits,
  capConnections,
  connectionCap,
  DEFAULT_CONNECTION_LIMITS,
  httpsServerOptions,
  secureContextOptions,
} from './https-options.ts';
import { type LandingOptions, landingArea } from './landing/landing-routes.ts';
import { certificateNames } from './landing/probe-origins.ts';
import type { Logger } from './logger.ts';
import { chooseEcho, type EchoChoice } from './media/native/choose-echo.ts';
import { createRelayMetrics } from './metrics/relay-metrics.ts';
import { bindingTimer } from './probes/binding-timer.ts';
import {
  createProbeListeners,
  type ProbeOptions,
  type ProbePortsStatus,
  probeServedByHttps,
} from './probes/probe-listeners.ts';
import { currentSessionScope, errorMessage } from './session-scope.ts';
import { createShare, type ShareOptions } from './share/share-app.ts';
import type { TlsIdentity } from './tls-cert.ts';
import { createWss, DEFAULT_SESSION_LIMITS, type MediaOptions, type SessionLimits } from './wss.ts';

/**
 * STUN answers per second per source address (and the burst). One run probes up to 32 sampled ports of each
 * of a profile's two large UDP ranges plus its single ports, about 70 checks at once, then retransmits; a few
 * browsers behind one NAT share the budget. An answer is never larger than its request and needs the
 * session's credentials, so a higher limit lends no amplification.
 */
export const STUN_ANSWERS_PER_SECOND = 300;
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
  /** Per-address session caps, bitrate cap, heartbeat and idle timeout; DEFAULT_SESSION_LIMITS otherwise. */
  limits?: Partial<SessionLimits>;
  /** The landing page at / and the web check under /web/; off (404) without it. */
  landing?: LandingOptions;
  /** The configured https origin browsers use (--public-url); the landing page's CSP names its WSS. */
  publicUrl?: string;
  /** Where /metrics is served: the HTTPS port (default), nowhere, or its own plain-HTTP address. */
  metricsListen?: MetricsListen;
  /** TLS handshake and HTTP timeouts, open connections per address; DEFAULT_CONNECTION_LIMITS otherwise. */
  connections?: Partial<ConnectionLimits>;
  /** The idle gaps of the NAT binding lifetime measurement, in seconds; DEFAULT_BINDING_GAPS_S otherwise. */
  bindingGapsS?: readonly number[];
}

export interface Relay {
  /** Resolves once HTTPS listens and every probe port was tried; rejects only if HTTPS cannot listen. */
  listen(): Promise<{ host: string; port: number; probes: ProbePortsStatus }>;
  /**
   * Drains, then stops. Draining: /readyz answers 503, WebSocket upgrades get 503, offers and probe-starts
   * are refused ('shutting-down'), and running media sessions are told ('draining') and may finish, for
   * up to graceMs or until none is left. Then every session still running is ended ('shutdown'), WebSockets
   * close with 1001, and sockets still open a moment later are destroyed.
   */
  close(graceMs: number): Promise<void>;
  /**
   * An error nothing else caught (the process's uncaughtException and unhandledRejection handlers call
   * this): logged and counted; if it came from a media session's code, that session is torn down.
   */
  handleUncaught(err: unknown, origin: string): void;
  /**
   * Presents a renewed certificate on the HTTPS port and the TLS probe ports from the next handshake on;
   * connections and sessions already open keep going on the old one.
   */
  setTls(tls: TlsIdentity): void;
  /** Runs the retention sweep now (it also runs at listen() and hourly); 0 without sharing. */
  sweepReports(): Promise<number>;
  /** One WebSocket heartbeat now (it also runs every heartbeatMs): see RelayWss.heartbeat. */
  heartbeat(): void;
}

/** After the drain, how long WebSockets get for their closing handshake before their sockets are destroyed. */
const FINAL_CLOSE_MS = 1000;

export function createRelay(opts: RelayOptions): Relay {
  const startedAt = Date.now();
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...opts.limits };
  const connLimits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...opts.connections };
  // One cap for every TCP listener: the HTTPS port and each probe port count against the same allowance.
  const cap = connectionCap(connLimits);
  const refused = (why: CapRefusal) => metrics.connectionsRefused.inc({ cap: why });
  let draining = false;
  const sockets = new Set<Socket>();
  const registry = new ProbeRegistry({
    random: (n) => randomBytes(n),
    perAddress: limits.probeSessionsPerAddress,
  });
  const lifetimes = new BindingLifetimes({
    random: (n) => randomBytes(n),
    credentials: () => registry.credentials(),
    gapsS: opts.bindingGapsS ?? DEFAULT_BINDING_GAPS_S,
  });
  const responder = new BindingResponder({
    passwordFor: (ufrag, now) => registry.passwordFor(ufrag, now),
    limit: new RateLimiter({ limit: STUN_ANSWERS_PER_SECOND, windowMs: 1000, maxKeys: STUN_MAX_SOURCES }),
  });
  const probeOptions = opts.probes ?? { address: opts.media.address, tcp: [], udp: [] };
  // The native echo's add-on is loaded here once (unless the caller brought it), else the lean echo.
  const echo: Partial<EchoChoice> =
    opts.media.echoPath === 'native' && opts.media.nativeEcho === undefined
      ? chooseEcho(
          'native',
          opts.log,
          undefined,
          opts.media.nativeEchoThread ?? true,
          opts.media.nativeEchoPriority ?? 'auto',
        )
      : {};
  const probeOnHttps = probeServedByHttps(probeOptions, opts);
  const probes = createProbeListeners({
    probes: probeOptions,
    servedByHttps: probeOnHttps,
    httpsCoversIpv6: opts.host === '::' || opts.host === probeOptions.address6,
    tls: opts.tls,
    log: opts.log,
    registry,
    responder,
    lifetimes,
    now: Date.now,
    limits: connLimits,
    cap,
    onRefused: refused,
  });
  // The gauges read relayWss, made just below; nothing reads them before the server listens.
  const metrics = createRelayMetrics({
    sessionsActive: () => relayWss.sessions().active,
    sessionsMax: () => relayWss.sessions().max,
    wsConnections: () => relayWss.connections(),
    draining: () => draining,
    stun: () => responder.counts,
    nativeEchoFifoDemoted: () => (echo.nativeEcho ?? opts.media.nativeEcho)?.priority?.().fifoDemoted ?? 0,
  });
  const relayWss = createWss({
    version: opts.version,
    log: opts.log,
    now: Date.now,
    // A UDP probe port inside a media range is the STUN responder's: media leaves it out.
    media: { ...opts.media, ...echo, exclude: new Set(probeOptions.udp.map((p) => p.relayPort)) },
    limits,
    probes: { registry, status: probes.status, bindings: lifetimes, wake: () => lifetimeTimer.wake() },
    metrics,
  });
  const { wss } = relayWss;
  const lifetimeTimer = bindingTimer(lifetimes, probes.sendUdp, Date.now);
  let listeningUrl = '';
  const share = opts.share ? createShare(opts.share, opts.log, () => listeningUrl) : null;
  const span = (r: { first: number; last: number }) => `${r.first}-${r.last}`;
  let tls = opts.tls;
  /** The names a browser may reach this relay by: its certificate's, the public URL's, where it listens. */
  const ownNames = (): string[] => {
    const urls = [opts.publicUrl, opts.share?.publicUrl].filter((u): u is string => Boolean(u));
    const hosts = urls.map((u) => new URL(u).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase());
    const listening = ['0.0.0.0', '::'].includes(opts.host) ? [] : [opts.host.toLowerCase()];
    return [...certificateNames(tls.cert), ...hosts, ...listening];
  };
  const metricsOnHttps = opts.metricsListen === undefined || opts.metricsListen === null;
  // The relay's own origin for origin checks: the configured public URL, else where it listens.
  const selfUrl = () => opts.publicUrl ?? opts.share?.publicUrl ?? listeningUrl;
  const route = createRouter({
    hsts: true,
    log: opts.log,
    selfUrl,
    areas: [
      relayArea({
        version: opts.version,
        startedAt,
        now: Date.now,
        openSockets: () => sockets.size,
        sessions: relayWss.sessions,
        mediaPorts: span(opts.media.ports),
        mediaPortsApps: span(opts.media.appPorts ?? opts.media.ports),
        probes: probes.health,
        probePort: probeOnHttps,
        helloOf: (socket) => hellos?.helloOf(socket) ?? null,
        ready: () => !draining,
        ...(metricsOnHttps ? { metrics: () => metrics.registry.render() } : {}),
      }),
      ...(share?.areas ?? []),
      ...(opts.landing
        ? [
            landingArea(opts.landing, opts.log, opts.publicUrl ?? null, {
              tcpPorts: probeOptions.tcp.map((p) => p.relayPort),
              names: ownNames,
            }),
          ]
        : []),
    ],
  });
  let hellos: HelloCapture | null = null;
  const server: Server = createServer(httpsServerOptions(opts.tls, connLimits), (req, res) => {
    if (
      req.method === 'POST' &&
      new URL(req.url ?? '/', 'https://relay.invalid').pathname === '/api/reports'
    ) {
      res.once('finish', () => metrics.uploads.inc({ status: String(res.statusCode) }));
    }
    route(req, res);
  });
  // /metrics on its own address: plain HTTP for Prometheus on a private network, nothing else served.
  const metricsServer =
    opts.metricsListen && opts.metricsListen !== 'off'
      ? createHttpServer(
          { headersTimeout: connLimits.headersTimeoutMs, requestTimeout: connLimits.requestTimeoutMs },
          createRouter({
            hsts: false,
            log: opts.log,
            selfUrl,
            areas: [{ prefix: '', routes: [metricsRoute(() => metrics.registry.render())] }],
          }),
        )
      : null;
  // Before the caps' listener: the TLS layer starts only once the hello has been read.
  hellos = captureClientHellos(server, connLimits.tlsHandshakeTimeoutMs);
  capConnections(server, cap, refused);
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
    if (draining) {
      metrics.wsRejected.inc({ reason: 'draining' });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n\r\n');
      return;
    }
    // Any web page could otherwise use its visitors' browsers as clients: only the extension's pages and the
    // relay's own (the landing page's web check) may open a WebSocket; no Origin is the command line.
    const origin = classifyOrigin(req.headers.origin, selfOrigins(selfUrl(), req.headers.host));
    if (origin === 'foreign' || origin === 'null') {
      metrics.wsRejected.inc({ reason: 'origin' });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    // A flood of connections from one address gets 429 before any WebSocket state exists for it.
    if (!relayWss.admitConnection(socket)) {
      metrics.wsRejected.inc({ reason: 'address-connections' });
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 10\r\nConnection: close\r\n\r\n');
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
          const at = opts.metricsListen;
          if (metricsServer && at && at !== 'off') {
            await new Promise<void>((resolve, reject) => {
              metricsServer.once('error', reject);
              metricsServer.listen(at.port, at.host, () => resolve());
            });
          }
          return { host: opts.host, port, probes: probeStatus };
        } catch (err) {
          server.close();
          await probes.close(0);
          throw err;
        }
      })();
      return listening;
    },
    close(graceMs) {
      closing ??= (async () => {
        draining = true;
        opts.log.info({ event: 'draining', graceMs, sessions: relayWss.sessions().active });
        relayWss.drain(graceMs);
        await relayWss.whenIdle(graceMs);
        share?.stop();
        const finalMs = Math.min(graceMs, FINAL_CLOSE_MS);
        const serverClosed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => {
            for (const s of sockets) s.destroy();
          }, finalMs).unref();
        });
        // Ends every session and closes every WebSocket with 1001; resolves once the media ports are free.
        const metricsClosed = new Promise<void>((resolve) => {
          if (!metricsServer?.listening) return resolve();
          metricsServer.close(() => resolve());
          metricsServer.closeAllConnections();
        });
        lifetimeTimer.stop();
        await Promise.all([serverClosed, relayWss.shutdown(), probes.close(finalMs), metricsClosed]);
        metrics.stop();
      })();
      return closing;
    },
    handleUncaught(err, origin) {
      const scope = currentSessionScope();
      metrics.errorsCaught.inc({ scope: scope ? 'session' : 'process' });
      opts.log.error({
        event: 'uncaught-error',
        origin,
        session: scope ? 'torn-down' : 'none',
        err: errorMessage(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      scope?.fail(err);
    },
    setTls(next) {
      tls = next;
      server.setSecureContext(secureContextOptions(next));
      probes.setTls(next);
    },
    sweepReports: () => share?.sweep() ?? Promise.resolve(0),
    heartbeat: () => relayWss.heartbeat(),
  };
}
