/**
 * HTTP routes: /healthz for operators (including media session load and the probe ports), /probe for the
 * extension (what the relay saw of this connection), and /probe-port on each TCP probe port. The extension
 * routes are readable cross-origin and expose timing, because the extension reads them from its own origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type {
  ProbePort,
  ProbePortResponse,
  ProbeResponse,
  UnboundProbePort,
} from '../protocol/relay-messages.ts';
import type { StunCounts } from './core/stun/binding-responder.ts';

/** The probe listeners as /healthz shows them: which are open, which could not be, what STUN answered. */
export interface ProbesHealth {
  address: string;
  tcp: ProbePort[];
  udp: ProbePort[];
  unbound: UnboundProbePort[];
  stun: StunCounts;
}

/**
 * A sub-application that owns every path under its prefix (the prefix itself and `prefix/…`), with its own
 * methods, headers and errors: the report upload API and the support console. It answers every request it
 * is given, errors included.
 */
export interface Mount {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

export interface RouteDeps {
  version: string;
  startedAt: number;
  now: () => number;
  openSockets: () => number;
  /** Media sessions now, and the most the relay takes (the smaller of --max-sessions and the port range). */
  sessions: () => { active: number; max: number };
  mediaPorts: string;
  probes: () => ProbesHealth;
  /** The TCP probe this HTTPS port answers for (the relay serves on a provider port): /probe-port. */
  probePort?: ProbePort | null;
  /** Mounted before the built-in routes, which take GET only. */
  mounts?: readonly Mount[];
  /** Whether the relay takes new sessions (false while it drains before stopping): /readyz. */
  ready?: () => boolean;
  /** The Prometheus exposition text: /metrics (404 without it). */
  metrics?: () => string;
}

const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Allow-Origin': '*',
  'Timing-Allow-Origin': '*',
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function tlsOf(req: IncomingMessage): { protocol: string | null; cipher: string | null } {
  const socket = req.socket as TLSSocket;
  return {
    protocol: typeof socket.getProtocol === 'function' ? socket.getProtocol() : null,
    cipher: typeof socket.getCipher === 'function' ? (socket.getCipher()?.standardName ?? null) : null,
  };
}

export function handleHttp(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): void {
  const path = new URL(req.url ?? '/', 'https://relay.invalid').pathname;
  const mount = deps.mounts?.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
  if (mount) {
    void mount.handle(req, res, path);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    json(res, 405, { error: 'method-not-allowed' });
    return;
  }
  switch (path) {
    case '/healthz':
      json(res, 200, {
        status: 'ok',
        version: deps.version,
        uptimeS: Math.round((deps.now() - deps.startedAt) / 1000),
        connections: deps.openSockets(),
        sessions: deps.sessions(),
        mediaPorts: deps.mediaPorts,
        probes: deps.probes(),
      });
      return;
    // For load balancers: 503 once draining, so they stop sending new clients before the relay goes.
    case '/readyz': {
      const ready = deps.ready?.() ?? true;
      json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'draining' });
      return;
    }
    case '/metrics':
      if (!deps.metrics) {
        json(res, 404, { error: 'not-found' });
        return;
      }
      res.writeHead(200, {
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      });
      res.end(deps.metrics());
      return;
    case '/probe-port':
      if (deps.probePort) handleProbePortHttp(req, res, deps.probePort);
      else json(res, 404, { error: 'not-found' });
      return;
    case '/probe': {
      const body: ProbeResponse = {
        relayVersion: deps.version,
        tls: tlsOf(req),
        clientAddress: req.socket.remoteAddress ?? '',
        serverTime: deps.now(),
      };
      json(res, 200, body);
      return;
    }
    default:
      json(res, 404, { error: 'not-found' });
  }
}

/** A year: what HSTS preload lists ask for. */
const HSTS_MAX_AGE_S = 31_536_000;

/**
 * HTTPS only, from now on, for browsers that reached the relay by name (ignored for addresses and certificate
 * errors): on the HTTPS port and on every TCP probe port alike. No includeSubDomains: the relay may share a
 * domain with other services.
 */
export function setHsts(res: ServerResponse): void {
  res.setHeader('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_S}`);
}

/** A TCP probe port's only route: which provider port this is, and the TLS the relay saw. */
export function handleProbePortHttp(req: IncomingMessage, res: ServerResponse, port: ProbePort): void {
  setHsts(res);
  const path = new URL(req.url ?? '/', 'https://relay.invalid').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    json(res, 405, { error: 'method-not-allowed' });
    return;
  }
  if (path !== '/probe-port') {
    json(res, 404, { error: 'not-found' });
    return;
  }
  const body: ProbePortResponse = { ...port, transport: 'tcp', tls: tlsOf(req) };
  json(res, 200, body);
}
