/**
 * Support staff sign in to the console with a token from `--support-tokens name:token,name2:token2`. The
 * name is who the view log records; a sign-in names the user and presents that user's token. Tokens are
 * compared in constant time over SHA-256 digests (equal length whatever was typed), so timing tells nothing
 * about how much of one matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface SupportToken {
  name: string;
  token: string;
}

export const MIN_TOKEN_LENGTH = 16;
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
/** Printable ASCII without spaces or commas (the list separator); ':' is allowed after the first one. */
const TOKEN = /^[\x21-\x2b\x2d-\x7e]+$/;

/**
 * Parses the list; throws an Error whose message names the entry by position and name but never shows a
 * token, since the message ends up in logs and terminals.
 */
export function parseSupportTokens(raw: string): SupportToken[] {
  if (raw.trim() === '') return [];
  const tokens: SupportToken[] = [];
  raw.split(',').forEach((entry, i) => {
    const at = `entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${at}: must be name:token`);
    const name = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    if (!NAME.test(name)) throw new Error(`${at}: the name must be 1-64 letters, digits or . _ @ -`);
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new Error(`${at} (${name}): the token must be at least ${MIN_TOKEN_LENGTH} characters`);
    }
    if (token.length > 256 || !TOKEN.test(token)) {
      throw new Error(
        `${at} (${name}): the token must be at most 256 printable characters, no spaces or commas`,
      );
    }
    if (tokens.some((t) => t.name === name)) throw new Error(`${at}: the name ${name} is listed twice`);
    if (tokens.some((t) => t.token === token)) throw new Error(`${at} (${name}): the token is used twice`);
    tokens.push({ name, token });
  });
  return tokens;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/** What an unknown name's presented token is compared with, so that the answer takes as long either way. */
const NO_TOKEN = digest('\0no such support user');

/** The support user `name`, if `presented` is that user's token; null for a wrong token or an unknown name. */
export function matchToken(
  tokens: readonly SupportToken[],
  name: string,
  presented: string,
): SupportToken | null {
  const user = tokens.find((t) => t.name === name) ?? null;
  // Constant time over equal-length digests: the time tells nothing about how much of the token matched.
  const right = timingSafeEqual(user ? digest(user.token) : NO_TOKEN, digest(presented));
  return right ? user : null;
}

/** The configured user with this name, or null (what the sign-in limits count a name as). */
export function configuredName(tokens: readonly SupportToken[], name: string): string | null {
  return tokens.some((t) => t.name === name) ? name : null;
}

export interface Credentials {
  user: string;
  token: string;
}

/**
 * The name and token of an Authorization header, for scripts: `Basic base64(name:token)` (what `curl -u
 * name:token` sends) or `Bearer name:token`. Names have no `:`, so the first one separates them. Anything
 * else is an empty name and token (a wrong sign-in).
 */
export function credentialsFromAuthorization(header: string): Credentials {
  const m = /^(Basic|Bearer) +([\x21-\x7e]{1,1024})$/i.exec(header);
  const scheme = m?.[1]?.toLowerCase();
  const value = scheme === 'basic' ? Buffer.from(m?.[2] ?? '', 'base64').toString('utf8') : (m?.[2] ?? '');
  const colon = value.indexOf(':');
  if (colon < 0) return { user: '', token: '' };
  return { user: value.slice(0, colon), token: value.slice(colon + 1) };
}
