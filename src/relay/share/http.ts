/**
 * Small HTTP helpers for the share and console routes: a size-capped body reader, JSON and HTML replies,
 * and a route table matched by method and path pattern.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-big' | 'bad-encoding' | 'aborted' };

/**
 * Reads at most maxBytes. A declared Content-Length above it is refused before reading; a body that grows
 * past it stops being kept (the rest is read and dropped, so the client still gets the answer instead of a
 * reset). Nothing past the limit is ever held in memory.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve({ ok: false, reason: 'too-big' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.resume();
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish({ ok: false, reason: 'too-big' });
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      try {
        finish({ ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) });
      } catch {
        finish({ ok: false, reason: 'bad-encoding' });
      }
    });
    req.on('aborted', () => finish({ ok: false, reason: 'aborted' }));
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
  });
}

export type Headers = Record<string, string | number | string[]>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  send(res, status, 'application/json', JSON.stringify(body), headers);
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Headers = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** "application/json" or "application/json; charset=utf-8", nothing else. */
export function hasContentType(req: IncomingMessage, type: string): boolean {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return ct === type;
}

export interface Route {
  method: 'GET' | 'POST' | 'OPTIONS';
  /** Matched against the whole path; capture groups become params. */
  path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[], url: URL): Promise<void> | void;
}

/**
 * The route for a request: 'not-found' when no path matches, 'method-not-allowed' (with the methods the
 * path takes) when only the method is wrong. HEAD is served as GET (Node sends no body for it).
 */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
):
  | { route: Route; params: string[] }
  | { error: 'not-found' }
  | { error: 'method-not-allowed'; allow: string[] } {
  const want = method === 'HEAD' ? 'GET' : method;
  const allow: string[] = [];
  for (const route of routes) {
    const m = route.path.exec(path);
    if (!m) continue;
    if (route.method === want) {
      try {
        return { route, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) };
      } catch {
        return { error: 'not-found' }; // a malformed %-escape names nothing we have
      }
    }
    allow.push(route.method);
  }
  return allow.length > 0 ? { error: 'method-not-allowed', allow } : { error: 'not-found' };
}
