/**
 * The relay's one HTTP route table. Every path the HTTPS port (and each TCP probe port) answers is a route
 * here, matched by method and path; what every answer shares is done here once, not in the routes:
 * nosniff (and HSTS on HTTPS) on every answer, HEAD served as GET (Node sends no body for it), 404 for a
 * path no route takes, 405 with Allow for a method the path does not take, 403 for a browser origin the
 * route does not accept (before its handler runs, so a cross-site request costs nothing), and 500 for a
 * route that failed. An area (the upload API, the support console) answers those errors in its own form.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import { classifyOrigin, type OriginKind, selfOrigins } from './origin-policy.ts';
import { sendJson, setHsts } from './reply.ts';

export type Method = 'GET' | 'POST' | 'OPTIONS';

export interface Route {
  method: Method;
  /** The whole path: a string matches exactly; a RegExp's capture groups become params (URL-decoded). */
  path: string | RegExp;
  /** Browser origins that may send this request (origin-policy.ts); any when absent. */
  origins?: readonly OriginKind[];
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    params: string[],
    url: URL,
    origin: OriginKind,
  ): Promise<void> | void;
}

export type RouteError =
  | { error: 'not-found' }
  | { error: 'method-not-allowed'; allow: readonly string[] }
  | { error: 'forbidden-origin' }
  | { error: 'internal' };

export const ERROR_STATUS: Record<RouteError['error'], number> = {
  'not-found': 404,
  'method-not-allowed': 405,
  'forbidden-origin': 403,
  internal: 500,
};

/** A part of the relay's paths with its own routes and its own way of answering errors. */
export interface RouteArea {
  /** The paths whose errors this area answers: the prefix itself and every path under it ('' for all). */
  prefix: string;
  routes: readonly Route[];
  /** The area's error answer (the router has set Allow for a 405); JSON `{ error, message }` otherwise. */
  answerError?(res: ServerResponse, error: RouteError, req: IncomingMessage): void;
}

/** The default error answer: `{ error }`, with a message where one helps the client. */
export function jsonError(res: ServerResponse, e: RouteError, message?: string): void {
  const text =
    message ??
    (e.error === 'method-not-allowed'
      ? `Use ${e.allow.join(' or ')}.`
      : e.error === 'forbidden-origin'
        ? 'This origin may not use this address.'
        : undefined);
  sendJson(
    res,
    ERROR_STATUS[e.error],
    text === undefined ? { error: e.error } : { error: e.error, message: text },
  );
}

export type RouteMatch =
  | { route: Route; params: string[] }
  | { error: 'not-found' }
  | { error: 'method-not-allowed'; allow: string[] };

/**
 * The route for a request: 'not-found' when no path matches, 'method-not-allowed' (with the methods the
 * path takes) when only the method is wrong. HEAD is served as GET.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const want = method === 'HEAD' ? 'GET' : method;
  const allow: string[] = [];
  for (const route of routes) {
    const m = typeof route.path === 'string' ? (route.path === path ? [path] : null) : route.path.exec(path);
    if (!m) continue;
    if (route.method === want) {
      try {
        return { route, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) };
      } catch {
        return { error: 'not-found' }; // a malformed %-escape names nothing we have
      }
    }
    if (!allow.includes(route.method)) allow.push(route.method);
  }
  return allow.length > 0 ? { error: 'method-not-allowed', allow } : { error: 'not-found' };
}

export interface RouterOptions {
  areas: readonly RouteArea[];
  /** The relay's own URL (--public-url, else where it listens): its origin counts as 'self'. */
  selfUrl: () => string;
  /** HSTS on every answer: true on HTTPS listeners. */
  hsts: boolean;
  log: Logger;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** One handler for every request a listener gets, from the areas' routes. */
export function createRouter(opts: RouterOptions): RequestHandler {
  const routes = opts.areas.flatMap((a) => a.routes);
  // Longest prefix first: /console/… errors are the console's, not the root area's.
  const areas = [...opts.areas].sort((a, b) => b.prefix.length - a.prefix.length);
  const areaOf = (path: string) =>
    areas.find((a) => a.prefix === '' || path === a.prefix || path.startsWith(`${a.prefix}/`));
  const answer = (req: IncomingMessage, res: ServerResponse, path: string, e: RouteError) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e.error === 'method-not-allowed') {
      res.setHeader('Allow', [...e.allow, ...(e.allow.includes('GET') ? ['HEAD'] : [])].join(', '));
    }
    const area = areaOf(path);
    if (area?.answerError) area.answerError(res, e, req);
    else jsonError(res, e);
  };

  return (req, res) => {
    if (opts.hsts) setHsts(res);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const url = new URL(req.url ?? '/', 'https://relay.invalid');
    const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if ('error' in match) {
      req.resume();
      answer(req, res, url.pathname, match);
      return;
    }
    const { route, params } = match;
    const origin = classifyOrigin(req.headers.origin, selfOrigins(opts.selfUrl(), req.headers.host));
    if (route.origins && !route.origins.includes(origin)) {
      req.resume();
      answer(req, res, url.pathname, { error: 'forbidden-origin' });
      return;
    }
    Promise.resolve()
      .then(() => route.handle(req, res, params, url, origin))
      .catch((err: Error) => {
        opts.log.error({ event: 'http-route-failed', path: areaOf(url.pathname)?.prefix, err: err.message });
        answer(req, res, url.pathname, { error: 'internal' });
      });
  };
}
