/**
 * The relay's own routes: /healthz for operators (including media session load and the probe ports),
 * /readyz for load balancers, /metrics for Prometheus, /probe for the extension (what the relay saw of this
 * connection), and /probe-port on each TCP probe port. The extension routes are readable cross-origin and
 * expose timing, because the extension reads them from its own origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type {
  ClientHello,
  ProbePort,
  ProbePortResponse,
  ProbeResponse,
  UnboundProbePort,
} from '../../protocol/relay-messages.ts';
import type { StunCounts } from '../core/stun/binding-responder.ts';
import { send, sendJson } from './reply.ts';
import { jsonError, type Route, type RouteArea, type RouteError } from './router.ts';

/** The probe listeners as /healthz shows them: which are open, which could not be, what STUN answered. */
export interface ProbesHealth {
  address: string;
  tcp: ProbePort[];
  udp: ProbePort[];
  unbound: UnboundProbePort[];
  stun: StunCounts;
}

export interface RelayRouteDeps {
  /** The TLS ClientHello the relay read on this request's connection (src/relay/client-hello-capture.ts). */
  helloOf?: (socket: object) => ClientHello | null;
  version: string;
  startedAt: number;
  now: () => number;
  openSockets: () => number;
  /** Media sessions now, and the most the relay takes (the smaller of --max-sessions and the port range). */
  sessions: () => { active: number; max: number };
  /** The desk phones' media range and the apps', "A-B". */
  mediaPorts: string;
  mediaPortsApps: string;
  probes: () => ProbesHealth;
  /** The TCP probe this HTTPS port answers for (the relay serves on a provider port): /probe-port. */
  probePort?: ProbePort | null;
  /** Whether the relay takes new sessions (false while it drains before stopping): /readyz. */
  ready?: () => boolean;
  /** The Prometheus exposition text: /metrics (absent: 404). */
  metrics?: () => string;
}

const CROSS_ORIGIN = { 'Access-Control-Allow-Origin': '*', 'Timing-Allow-Origin': '*' };

/** Errors readable cross-origin too: the extension tells a 404 from a network failure. */
function crossOriginError(res: ServerResponse, e: RouteError): void {
  for (const [name, value] of Object.entries(CROSS_ORIGIN)) res.setHeader(name, value);
  jsonError(res, e);
}

export function tlsOf(req: IncomingMessage): { protocol: string | null; cipher: string | null } {
  const socket = req.socket as TLSSocket;
  return {
    protocol: typeof socket.getProtocol === 'function' ? socket.getProtocol() : null,
    cipher: typeof socket.getCipher === 'function' ? (socket.getCipher()?.standardName ?? null) : null,
  };
}

/** Prometheus's text format, on the HTTPS port or on the metrics listener. */
export function metricsRoute(render: () => string): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handle: (_req, res) => send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', render()),
  };
}

/** A TCP probe port's only route (also on the HTTPS port when it is a provider port). */
export function probePortArea(port: ProbePort, helloOf?: (socket: object) => ClientHello | null): RouteArea {
  return {
    prefix: '',
    answerError: crossOriginError,
    routes: [
      {
        method: 'GET',
        path: '/probe-port',
        handle(req, res) {
          const body: ProbePortResponse = {
            ...port,
            transport: 'tcp',
            tls: tlsOf(req),
            clientHello: helloOf?.(req.socket) ?? null,
          };
          sendJson(res, 200, body, CROSS_ORIGIN);
        },
      },
    ],
  };
}

export function relayArea(deps: RelayRouteDeps): RouteArea {
  return {
    prefix: '',
    answerError: crossOriginError,
    routes: [
      {
        method: 'GET',
        path: '/healthz',
        handle: (_req, res) =>
          sendJson(
            res,
            200,
            {
              status: 'ok',
              version: deps.version,
              uptimeS: Math.round((deps.now() - deps.startedAt) / 1000),
              connections: deps.openSockets(),
              sessions: deps.sessions(),
              mediaPorts: deps.mediaPorts,
              mediaPortsApps: deps.mediaPortsApps,
              probes: deps.probes(),
            },
            CROSS_ORIGIN,
          ),
      },
      {
        // For load balancers: 503 once draining, so they stop sending new clients before the relay goes.
        method: 'GET',
        path: '/readyz',
        handle(_req, res) {
          const ready = deps.ready?.() ?? true;
          sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'draining' }, CROSS_ORIGIN);
        },
      },
      {
        method: 'GET',
        path: '/probe',
        handle(req, res) {
          const body: ProbeResponse = {
            relayVersion: deps.version,
            tls: tlsOf(req),
            clientHello: deps.helloOf?.(req.socket) ?? null,
            clientAddress: req.socket.remoteAddress ?? '',
            serverTime: deps.now(),
          };
          sendJson(res, 200, body, CROSS_ORIGIN);
        },
      },
      ...(deps.metrics ? [metricsRoute(deps.metrics)] : []),
      ...(deps.probePort ? probePortArea(deps.probePort, deps.helloOf).routes : []),
    ],
  };
}
