/** Answers: JSON and other bodies with the relay's default headers, and HSTS for every HTTPS answer. */
import type { ServerResponse } from 'node:http';

export type Headers = Record<string, string | number | string[]>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  send(res, status, 'application/json', JSON.stringify(body), headers);
}

/** Not stored by caches unless the route says otherwise; never sniffed. Does nothing once an answer began. */
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
