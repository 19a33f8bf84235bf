/**
 * The support console under /console: sign in with a support token, look a report up by its code, list
 * recent reports, read one (HTML or JSON). Read-only; every report view is recorded in the store and the
 * log. Support staff sign in with their user name and token; wrong tokens are counted per name and per
 * address (SignInGate) and refused with 429 beyond the limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeCode, REPORT_ID_PATTERN } from '../../protocol/share.ts';
import { hasContentType, readBody } from '../http/body.ts';
import { clientKey, hashClient } from '../http/client-key.ts';
import type { OriginKind } from '../http/origin-policy.ts';
import { type Headers, send, sendJson } from '../http/reply.ts';
import { ERROR_STATUS, type Route, type RouteArea } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import type { RandomBytes } from '../share/codes.ts';
import type { ReportStore, StoredReport } from '../storage/report-store.ts';
import { CONSOLE_CSS, homePage, loginPage, messagePage, recentPage, reportPage } from './pages.ts';
import {
  clearedSessionCookie,
  fingerprintMatches,
  hashSessionId,
  newSessionId,
  SESSION_TTL_MS,
  sessionCookie,
  sessionIdFrom,
  tokenFingerprint,
} from './sessions.ts';
import type { SignInGate } from './sign-in-gate.ts';
import {
  type Credentials,
  configuredName,
  credentialsFromAuthorization,
  matchToken,
  type SupportToken,
} from './support-tokens.ts';

export interface ConsoleDeps {
  store: ReportStore;
  log: Logger;
  now: () => number;
  random: RandomBytes;
  tokens: readonly SupportToken[];
  /** Wrong sign-ins (form or Authorization header), per name, per address and over all. */
  signIns: SignInGate;
  salt: () => string;
}

/**
 * No scripts, nothing from elsewhere, no framing; forms post only here. Report strings are escaped anyway;
 * the CSP is the second wall.
 */
const HTML_HEADERS: Headers = {
  'Content-Security-Policy':
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  // same-origin, not no-referrer: with no-referrer Chromium posts the sign-in form with "Origin: null", which
  // the origin check (the CSRF defence) must refuse.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const HTML = 'text/html; charset=utf-8';
const RECENT_LIMIT = 50;
/** A POST must come from a console page (or a non-browser client): no cross-site sign-in or sign-out. */
const SAME_SITE: readonly OriginKind[] = ['none', 'self'];
/** Where a sign-in may return to: console pages only, never another site. */
const NEXT_PATH = /^\/console\/(?:r\/[A-Za-z0-9_-]{1,32}|recent)$/;

export function consoleArea(deps: ConsoleDeps): RouteArea {
  const page = (res: ServerResponse, status: number, body: string, headers: Headers = {}) =>
    send(res, status, HTML, body, { ...HTML_HEADERS, ...headers });
  const redirect = (res: ServerResponse, location: string, headers: Headers = {}) =>
    send(res, 303, HTML, '', { ...HTML_HEADERS, Location: location, ...headers });
  const client = (req: IncomingMessage) => clientKey(req.socket.remoteAddress);

  /** The signed-in support user, if the cookie names a live session of a user still configured. */
  async function sessionUser(req: IncomingMessage): Promise<string | null> {
    const sid = sessionIdFrom(req.headers.cookie);
    if (!sid) return null;
    const session = await deps.store.getSession(hashSessionId(sid), deps.now());
    if (!session) return null;
    // The user must still be configured with the very token the session was made with: replacing a
    // token ends every session made with the old one.
    const token = deps.tokens.find((t) => t.name === session.supportUser);
    if (!token || !fingerprintMatches(session.tokenFp, sid, token.token)) return null;
    return session.supportUser;
  }

  /** Checks a presented name and token under the sign-in limits; a wrong one uses up an attempt. */
  function checkToken(
    req: IncomingMessage,
    presented: Credentials,
  ): { ok: true; user: string; token: string } | { ok: false; retryAfterS?: number } {
    const attempt = { user: configuredName(deps.tokens, presented.user), client: client(req) };
    const now = deps.now();
    const gate = deps.signIns.admit(attempt, now);
    if (!gate.ok) return { ok: false, retryAfterS: gate.retryAfterS };
    const match = matchToken(deps.tokens, presented.user, presented.token);
    if (match) {
      deps.signIns.succeeded(attempt, now);
      return { ok: true, user: match.name, token: match.token };
    }
    deps.signIns.failed(attempt, now);
    deps.log.warn({
      event: 'console-sign-in-refused',
      // A configured name is who is being guessed at; anything else is not logged (it may be a mistyped token).
      ...(attempt.user ? { supportUser: attempt.user } : {}),
      client: hashClient(deps.salt(), attempt.client),
    });
    return { ok: false };
  }

  async function findReport(ref: string): Promise<StoredReport | null> {
    const code = normalizeCode(ref);
    if (code) return deps.store.getByCode(code, deps.now());
    if (REPORT_ID_PATTERN.test(ref)) return deps.store.getById(ref, deps.now());
    return null;
  }

  async function recordView(
    req: IncomingMessage,
    user: string,
    stored: StoredReport,
    via: 'html' | 'json' | 'list',
  ): Promise<void> {
    // A HEAD shows nothing of the report: not a view.
    if (req.method === 'HEAD') return;
    const at = deps.now();
    await deps.store.logView({ supportUser: user, reportId: stored.id, at });
    deps.log.info({
      event: 'report-viewed',
      supportUser: user,
      code: stored.code,
      via,
      at: new Date(at).toISOString(),
    });
  }

  /** HTML pages: the user, or a redirect to the sign-in page that comes back here. */
  async function htmlUser(req: IncomingMessage, res: ServerResponse, path: string): Promise<string | null> {
    const user = await sessionUser(req);
    if (user) return user;
    redirect(res, NEXT_PATH.test(path) ? `/console?next=${encodeURIComponent(path)}` : '/console');
    return null;
  }

  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/console\/?$/,
      async handle(req, res, _params, url) {
        const user = await sessionUser(req);
        if (user) {
          page(res, 200, homePage(user));
          return;
        }
        const next = url.searchParams.get('next') ?? '';
        page(res, 200, loginPage(NEXT_PATH.test(next) ? { next } : {}));
      },
    },
    {
      method: 'GET',
      path: /^\/console\/console\.css$/,
      handle(_req, res) {
        send(res, 200, 'text/css; charset=utf-8', CONSOLE_CSS, { 'Cache-Control': 'max-age=3600' });
      },
    },
    {
      method: 'POST',
      path: /^\/console\/login$/,
      origins: SAME_SITE,
      async handle(req, res) {
        const body = await readBody(req, 4096);
        if (!body.ok) {
          if (body.reason !== 'aborted')
            page(res, 413, messagePage('Refused', 'The sign-in form is too large.'));
          return;
        }
        const given: Credentials = { user: '', token: '' };
        let next = '';
        if (hasContentType(req, 'application/json')) {
          try {
            const parsed = JSON.parse(body.text) as { user?: unknown; token?: unknown; next?: unknown };
            given.user = typeof parsed.user === 'string' ? parsed.user : '';
            given.token = typeof parsed.token === 'string' ? parsed.token : '';
            next = typeof parsed.next === 'string' ? parsed.next : '';
          } catch {
            // Missing name and token below.
          }
        } else {
          const form = new URLSearchParams(body.text);
          given.user = (form.get('user') ?? '').trim();
          given.token = form.get('token') ?? '';
          next = form.get('next') ?? '';
        }
        const safeNext = NEXT_PATH.test(next) ? next : '';
        const checked = checkToken(req, given);
        if (!checked.ok) {
          if (checked.retryAfterS !== undefined) {
            page(
              res,
              429,
              loginPage({
                error: `Too many sign-in attempts. Try again in ${checked.retryAfterS} s.`,
                next: safeNext,
                user: given.user,
              }),
              { 'Retry-After': String(checked.retryAfterS) },
            );
          } else {
            page(
              res,
              401,
              loginPage({
                error: 'Wrong user name or support token.',
                next: safeNext,
                user: given.user,
              }),
            );
          }
          return;
        }
        deps.log.info({
          event: 'console-sign-in',
          supportUser: checked.user,
          client: hashClient(deps.salt(), client(req)),
        });
        const sid = newSessionId(deps.random);
        await deps.store.putSession({
          sidHash: hashSessionId(sid),
          supportUser: checked.user,
          expiresAt: deps.now() + SESSION_TTL_MS,
          tokenFp: tokenFingerprint(sid, checked.token),
        });
        redirect(res, safeNext || '/console', { 'Set-Cookie': sessionCookie(sid, SESSION_TTL_MS) });
      },
    },
    {
      method: 'POST',
      path: /^\/console\/logout$/,
      origins: SAME_SITE,
      async handle(req, res) {
        req.resume();
        const sid = sessionIdFrom(req.headers.cookie);
        if (sid) await deps.store.deleteSession(hashSessionId(sid));
        redirect(res, '/console', { 'Set-Cookie': clearedSessionCookie() });
      },
    },
    {
      method: 'POST',
      path: /^\/console\/logout-all$/,
      origins: SAME_SITE,
      async handle(req, res) {
        req.resume();
        const user = await sessionUser(req);
        if (user) {
          const ended = await deps.store.deleteUserSessions(user);
          deps.log.info({ event: 'console-sessions-ended', supportUser: user, ended });
        }
        redirect(res, '/console', { 'Set-Cookie': clearedSessionCookie() });
      },
    },
    {
      method: 'GET',
      path: /^\/console\/lookup$/,
      async handle(req, res, _params, url) {
        const user = await htmlUser(req, res, '/console');
        if (!user) return;
        const typed = url.searchParams.get('code') ?? '';
        const code = normalizeCode(typed);
        if (!code) {
          page(
            res,
            400,
            homePage(user, {
              error: 'A code has 8 letters and digits, e.g. ABCD-EFGH.',
              code: typed.slice(0, 32),
            }),
          );
          return;
        }
        redirect(res, `/console/r/${code}`);
      },
    },
    {
      method: 'GET',
      path: /^\/console\/recent$/,
      async handle(req, res) {
        const user = await htmlUser(req, res, '/console/recent');
        if (!user) return;
        const items = await deps.store.recent(RECENT_LIMIT, deps.now());
        // The list shows each report's verdict and headline: each listed report is viewed, and logged.
        if (req.method !== 'HEAD') {
          const at = deps.now();
          for (const item of items) await deps.store.logView({ supportUser: user, reportId: item.id, at });
        }
        deps.log.info({ event: 'reports-listed', supportUser: user, count: items.length });
        page(res, 200, recentPage(user, items));
      },
    },
    {
      method: 'GET',
      path: /^\/console\/r\/([^/]+)$/,
      async handle(req, res, [ref = '']) {
        const user = await htmlUser(req, res, `/console/r/${ref}`);
        if (!user) return;
        const stored = await findReport(ref);
        if (!stored) {
          page(
            res,
            404,
            messagePage('Not found', 'No report has this code. Reports are deleted when they expire.', user),
          );
          return;
        }
        await recordView(req, user, stored, 'html');
        page(res, 200, reportPage(user, stored, await deps.store.views(stored.id)));
      },
    },
    {
      method: 'GET',
      path: /^\/console\/api\/reports\/([^/]+)$/,
      async handle(req, res, [ref = '']) {
        let user = await sessionUser(req);
        const auth = req.headers.authorization;
        if (!user && auth !== undefined) {
          // Scripts may send the name and token instead of a session.
          const checked = checkToken(req, credentialsFromAuthorization(auth));
          if (!checked.ok) {
            if (checked.retryAfterS !== undefined) {
              sendJson(
                res,
                429,
                {
                  error: 'rate-limited',
                  message: `Too many sign-in attempts; try again in ${checked.retryAfterS} s.`,
                },
                { 'Retry-After': String(checked.retryAfterS) },
              );
            } else sendJson(res, 401, { error: 'bad-token', message: 'Wrong user name or support token.' });
            return;
          }
          user = checked.user;
        }
        if (!user) {
          sendJson(res, 401, {
            error: 'not-signed-in',
            message: 'Sign in at /console or send your user name and support token (Basic auth).',
          });
          return;
        }
        const stored = await findReport(ref);
        if (!stored) {
          sendJson(res, 404, { error: 'not-found' });
          return;
        }
        await recordView(req, user, stored, 'json');
        sendJson(res, 200, {
          code: stored.code,
          id: stored.id,
          createdAt: new Date(stored.createdAt).toISOString(),
          expiresAt: new Date(stored.expiresAt).toISOString(),
          redaction: stored.redaction,
          report: stored.report,
        });
      },
    },
  ];

  return {
    prefix: '/console',
    routes,
    answerError(res, e) {
      const status = ERROR_STATUS[e.error];
      if (e.error === 'not-found')
        page(res, status, messagePage('Not found', 'There is no such console page.'));
      else if (e.error === 'method-not-allowed')
        page(res, status, messagePage('Not allowed', 'This page does not take that method.'));
      else if (e.error === 'forbidden-origin')
        page(res, status, messagePage('Refused', 'Sign in and out from the console page itself.'));
      else page(res, status, messagePage('Error', 'The console could not answer; try again.'));
    },
  };
}
