/**
 * Support staff sign in to the console with a token from `--support-tokens name:token,name2:token2`. The
 * name is who the view log records. Tokens are compared in constant time over SHA-256 digests (equal
 * length whatever was typed), and every configured token is compared, so timing tells nothing about which
 * one, or how much of one, matched.
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

/** The support user whose token this is, or null. */
export function matchToken(tokens: readonly SupportToken[], presented: string): SupportToken | null {
  const given = digest(presented);
  let found: SupportToken | null = null;
  for (const t of tokens) {
    // No early exit: the loop's time does not depend on which token matched.
    if (timingSafeEqual(digest(t.token), given) && found === null) found = t;
  }
  return found;
}
