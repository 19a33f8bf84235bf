/**
 * The WSS shell: greets each connection and hands it to its connection shell (which parses nothing itself:
 * the core does). Owns what connections share: the media port pool, which is also the session cap, and the
 * per-address session limits; the probe sessions are shared with the UDP probe ports too, so they come from
 * the server.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer, type ServerOptions as WsServerOptions } from 'ws';
import { MAX_WS_MESSAGE_BYTES, type ServerMessage } from '../protocol/relay-messages.ts';
import { loadConfig, type RelayConfig } from './config/load.ts';
import { AddressLimits } from './core/address-limits.ts';
import { ConnectionCap } from './core/connection-cap.ts';
import { MediaPorts, type PortSpan } from './core/media-ports.ts';
import { clientKey } from './http/client-key.ts';
import { tlsOf } from './http/relay-routes.ts';
import type { Logger } from './logger.ts';
import type { RelayMetrics } from './metrics/relay-metrics.ts';
import {
  type ConnectionHandle,
  type ConnectionLimits,
  type MediaSettings,
  type ProbeService,
  serveConnection,
} from './ws-connection.ts';

export interface MediaOptions extends MediaSettings {
  /** The desk phones' media range (--media-ports); also the apps' when appPorts is not given. */
  ports: PortSpan;
  /** The mobile and desktop apps' media range (--media-ports-apps). */
  appPorts?: PortSpan;
  maxSessions: number;
  /** Ports of the ranges never used for media: the UDP probe listeners inside them. */
  exclude?: ReadonlySet<number>;
}

/** Per client address caps, and the connection limits (see ws-connection.ts). */
export interface SessionLimits extends ConnectionLimits {
  sessionsPerAddress: number;
  sessionStartsPerMinute: number;
  /** Live probe sessions one client address holds over all its connections. */
  probeSessionsPerAddress: number;
}

/** The limits a relay configuration sets (config/keys.ts holds their defaults and ranges). */
export function sessionLimitsOf(
  c: Pick<
    RelayConfig,
    | 'maxSessionsPerAddress'
    | 'sessionStartsPerMinute'
    | 'maxSessionKbps'
    | 'unprovenChecksPerSource'
    | 'unprovenChecksPerSession'
    | 'wsHeartbeatMs'
    | 'wsIdleTimeoutMs'
    | 'probeSessionsPerAddress'
  >,
): SessionLimits {
  return {
    probeSessionsPerAddress: c.probeSessionsPerAddress,
    sessionsPerAddress: c.maxSessionsPerAddress,
    sessionStartsPerMinute: c.sessionStartsPerMinute,
    sessionMaxBitsPerSecond: c.maxSessionKbps * 1000,
    unprovenChecks: { perSource: c.unprovenChecksPerSource, perSession: c.unprovenChecksPerSession },
    heartbeatMs: c.wsHeartbeatMs,
    idleTimeoutMs: c.wsIdleTimeoutMs,
  };
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = sessionLimitsOf(loadConfig([], {}));

/**
 * ws limits beyond maxPayload (ws ≥ 8.21): a message may come in at most this many fragments, and the
 * receiver holds at most this many unparsed chunks. The defaults (16384 / 262144) let one client pin
 * memory with tiny fragments or chunks; a signaling message is a single frame of a few KB.
 */
export const WS_MAX_FRAGMENTS = 32;
export const WS_MAX_BUFFERED_CHUNKS = 64;
/** How long a closing handshake may take before ws drops the socket (default 30 s): shutdown waits on it. */
const WS_CLOSE_TIMEOUT_MS = 5000;

/**
 * WebSocket connections one client address may hold at once, per session it may hold: a browser uses one
 * for the WSS check, one for media and one for the port probes, and several people behind one NAT multiply that.
 */
export const CONNECTIONS_PER_SESSION = 4;

export interface RelayWss {
  wss: WebSocketServer;
  /**
   * Whether this upgrade's client address may open one more WebSocket (sessionsPerAddress ×
   * CONNECTIONS_PER_SESSION); if so, it is counted until its socket closes.
   */
  admitConnection(socket: Duplex & { remoteAddress?: string }): boolean;
  sessions(): { active: number; max: number };
  connections(): number;
  /** No new sessions; running ones are told they have graceMs left. */
  drain(graceMs: number): void;
  /** Resolves once no media session holds a port, or after timeoutMs. */
  whenIdle(timeoutMs: number): Promise<void>;
  /** Ends every session (telling its client), closes every WebSocket with 1001; resolves once all ports are free. */
  shutdown(): Promise<void>;
  /**
   * One heartbeat: every WebSocket that has not answered the previous ping is terminated, the others are
   * pinged. A timer calls it every limits.heartbeatMs until shutdown.
   */
  heartbeat(): void;
}

export function createWss(opts: {
  version: string;
  log: Logger;
  now: () => number;
  media: MediaOptions;
  limits: SessionLimits;
  probes: ProbeService;
  metrics: RelayMetrics;
}): RelayWss {
  const wsOptions: WsServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: MAX_WS_MESSAGE_BYTES,
    maxFragments: WS_MAX_FRAGMENTS,
    maxBufferedChunks: WS_MAX_BUFFERED_CHUNKS,
    closeTimeout: WS_CLOSE_TIMEOUT_MS,
  };
  const wss = new WebSocketServer(wsOptions);
  const pool = new MediaPorts({
    ranges: { desk: opts.media.ports, apps: opts.media.appPorts ?? opts.media.ports },
    maxSessions: opts.media.maxSessions,
    ...(opts.media.exclude ? { exclude: opts.media.exclude } : {}),
  });
  const addressLimits = new AddressLimits({
    concurrent: opts.limits.sessionsPerAddress,
    startsPerMinute: opts.limits.sessionStartsPerMinute,
  });
  const connections = new Set<ConnectionHandle>();
  /** Client key → sockets upgrading or upgraded to a WebSocket. */
  const wsCap = new ConnectionCap(opts.limits.sessionsPerAddress * CONNECTIONS_PER_SESSION);
  let open = 0;
  let drainingGraceMs: number | null = null;
  let nextId = 1;
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    open++;
    opts.metrics.wsConnections.inc();
    const hello: ServerMessage = { type: 'hello', relayVersion: opts.version, tls: tlsOf(req) };
    ws.send(JSON.stringify(hello));
    const handle = serveConnection(ws, {
      id: nextId++,
      clientAddress: req.socket.remoteAddress ?? null,
      clientKey: clientKey(req.socket.remoteAddress),
      pool,
      addressLimits,
      media: opts.media,
      limits: opts.limits,
      probes: opts.probes,
      metrics: opts.metrics,
      log: opts.log,
      now: opts.now,
    });
    connections.add(handle);
    // Upgrades are refused while draining, but one may have been accepted just before.
    if (drainingGraceMs !== null) handle.drain(drainingGraceMs);
    // Kept until its port is free, so shutdown() also waits for sessions that are still closing.
    ws.on('close', () => {
      open--;
      void handle.settled().then(() => connections.delete(handle));
    });
  });
  const heartbeat = () => {
    for (const c of connections) c.heartbeat();
  };
  // unref: the relay's listeners, not this timer, keep the process alive.
  const heartbeatTimer = setInterval(heartbeat, opts.limits.heartbeatMs).unref();
  return {
    wss,
    heartbeat,
    admitConnection(socket) {
      const key = clientKey(socket.remoteAddress);
      if (wsCap.take(key) !== null) return false;
      // The socket, not the WebSocket: a failed handshake never becomes one, but its socket still closes.
      socket.once('close', () => wsCap.release(key));
      return true;
    },
    sessions: () => ({ active: pool.inUse, max: pool.limit }),
    connections: () => open,
    drain(graceMs) {
      drainingGraceMs = graceMs;
      for (const c of connections) c.drain(graceMs);
    },
    async whenIdle(timeoutMs) {
      const deadline = opts.now() + timeoutMs;
      while (pool.inUse > 0 && opts.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, deadline - opts.now()))));
      }
    },
    async shutdown() {
      clearInterval(heartbeatTimer);
      await Promise.all([...connections].map((c) => c.shutdown()));
    },
  };
}
