/**
 * Who may try a support token now. Support staff sign in with their user name and token, so wrong tokens
 * are counted for the name they were tried against, not only for the address they came from: someone
 * guessing at bob's token, or many addresses guessing at alice's, must not lock alice out.
 *
 * Wrong attempts are counted in four tables (token buckets, refilled over a minute):
 *  - per user name and address (`perMinute`, 5): always applies, to right and wrong tokens alike;
 *  - per user name over all addresses and per address over all names (4x each), and over everything
 *    (12x): these bound guessing from many addresses (and the CPU it costs), but they do not apply to a
 *    name signing in from an address it signed in from before (within 30 days). One address alone cannot
 *    use up a name's allowance (it has only a quarter of it), so one guesser locks a name out only at its
 *    own address; many guessers lock it out only at addresses it was never seen at, and wrong guesses
 *    never deny the right name and token from a place it is known at.
 *
 * A refused attempt is refused before the token is compared, whatever it is: checking the token anyway
 * would tell the guesser which guess was right, and the limit would bound nothing. Pure bookkeeping with the
 * clock passed in; all tables are bounded (least recently used forgotten first).
 */
import { type RateDecision, RateLimiter } from '../core/rate-limit.ts';

/**
 * How many times the per-name-and-address limit one name may be guessed at over all addresses (and one
 * address may guess over all names), and everyone over everything.
 */
export const SPREAD_FACTOR = 4;
export const GLOBAL_FACTOR = 12;
/** How long a successful sign-in makes its name and address known. */
export const KNOWN_FOR_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_KNOWN = 10_000;
const MINUTE = 60_000;

export interface SignInAttempt {
  /** The configured user name presented, or null for a name that is not configured (all share one key). */
  user: string | null;
  /** The client's key (address, or /64 for IPv6). */
  client: string;
}

export class SignInGate {
  private readonly pair: RateLimiter;
  private readonly name: RateLimiter;
  private readonly address: RateLimiter;
  private readonly everyone: RateLimiter;
  /** `user\nclient` -> when it last signed in, oldest first. */
  private readonly known = new Map<string, number>();

  constructor(perMinute: number) {
    this.pair = new RateLimiter({ limit: perMinute, windowMs: MINUTE });
    this.name = new RateLimiter({ limit: SPREAD_FACTOR * perMinute, windowMs: MINUTE });
    this.address = new RateLimiter({ limit: SPREAD_FACTOR * perMinute, windowMs: MINUTE });
    this.everyone = new RateLimiter({ limit: GLOBAL_FACTOR * perMinute, windowMs: MINUTE, maxKeys: 1 });
  }

  /** Whether this attempt may have its token compared now; if not, when to try again. */
  admit(a: SignInAttempt, now: number): RateDecision {
    const gates: [RateLimiter, string][] = [[this.pair, pairKey(a)]];
    if (!this.isKnown(a, now)) {
      gates.push([this.name, userKey(a)], [this.address, a.client], [this.everyone, '*']);
    }
    let wait = 0;
    for (const [limiter, key] of gates) {
      const d = limiter.check(key, now);
      if (!d.ok) wait = Math.max(wait, d.retryAfterS);
    }
    return wait > 0 ? { ok: false, retryAfterS: wait } : { ok: true };
  }

  /** A wrong token (or an unknown name): one attempt off every table. */
  failed(a: SignInAttempt, now: number): void {
    this.pair.take(pairKey(a), now);
    this.name.take(userKey(a), now);
    this.address.take(a.client, now);
    this.everyone.take('*', now);
  }

  /** The right name and token: this address is now known for this name. */
  succeeded(a: SignInAttempt, now: number): void {
    const key = pairKey(a);
    this.known.delete(key);
    this.known.set(key, now);
    if (this.known.size > MAX_KNOWN) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  private isKnown(a: SignInAttempt, now: number): boolean {
    if (a.user === null) return false;
    const at = this.known.get(pairKey(a));
    return at !== undefined && now - at < KNOWN_FOR_MS;
  }
}

const userKey = (a: SignInAttempt) => a.user ?? '';
const pairKey = (a: SignInAttempt) => `${userKey(a)}\n${a.client}`;
