/**
 * HTTP routes: /healthz for operators (including media session load), /probe for the extension (what the relay saw of this connection).
 * /probe is readable cross-origin and exposes timing, because the extension reads it from its own origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ProbeResponse } from '../protocol/relay-messages.ts';

export interface RouteDeps {
  version: string;
  startedAt: number;
  now: () => number;
  openSockets: () => number;
  /** Media sessions now, and the most the relay takes (the smaller of --max-sessions and the port range). */
  sessions: () => { active: number; max: number };
  mediaPorts: string;
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
      });
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
