/**
 * Console sessions: a random 128-bit id in an HttpOnly, Secure, SameSite=Strict cookie; the store keeps
 * only its SHA-256 (a leaked database holds no live session), the support user's name and the expiry. The
 * sessions live in the report store so that any relay behind a load balancer knows them.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { RandomBytes } from '../share/codes.ts';

/** `__Host-`: the browser takes the cookie only with Secure, Path=/ and no Domain, so no subdomain can set it. */
export const SESSION_COOKIE = '__Host-svc-console';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export function newSessionId(random: RandomBytes): string {
  return Buffer.from(random(16)).toString('base64url');
}

export function hashSessionId(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

export function sessionCookie(sid: string, maxAgeMs: number): string {
  return `${SESSION_COOKIE}=${sid}; Path=/; Max-Age=${Math.floor(maxAgeMs / 1000)}; HttpOnly; Secure; SameSite=Strict`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** The session id from a Cookie header, if it has a well-formed one. */
export function sessionIdFrom(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{22}$/.test(value)) return value;
  }
  return null;
}

/**
 * What binds a session to the token it was made with: HMAC-SHA256 of the token keyed by the session id.
 * The database holds this but not the id, so it cannot be used to test guesses at a token.
 */
export function tokenFingerprint(sid: string, token: string): string {
  return createHmac('sha256', sid).update(token, 'utf8').digest('hex');
}

/** Whether a stored fingerprint is this session's with this token (constant time). */
export function fingerprintMatches(stored: string, sid: string, token: string): boolean {
  const want = Buffer.from(tokenFingerprint(sid, token), 'hex');
  const got = Buffer.from(stored, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
