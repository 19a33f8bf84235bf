/**
 * How many ICE connectivity checks one media session verifies from sources that have not proven they
 * receive what the relay sends. Verifying a check costs an HMAC-SHA1 (and an answer from werift), and its
 * source address costs nothing to forge: a client holding a session's ufrag and password could make the
 * relay verify thousands of checks a second from made-up addresses (the attack bench measured 3,200). So
 * before the HMAC, a check from an unproven source takes a token from its source's bucket and from the
 * session's; without one it is dropped, having cost a map lookup.
 *
 * What a browser sends stays well inside both: Chrome checks one pair every 48 ms at most while no answer
 * has come back (~21 a second over all its pairs), Firefox starts a new pair every 20 ms and repeats a
 * check only when its answer is late. Once a source has proven it receives (see media-guard.ts), its checks
 * (consent freshness, every few seconds) are not limited at all. Pure bookkeeping with the clock passed in.
 */
import { RateLimiter } from './rate-limit.ts';

export interface CheckRateOptions {
  /** Checks a second one unproven source may have verified (a burst of one second's worth). */
  perSource: number;
  /** Checks a second all of a session's unproven sources together may have verified. */
  perSession: number;
}

/** Sources tracked per session: a browser checks from a handful; forged ones beyond this are forgotten first. */
const MAX_TRACKED_SOURCES = 64;

export type CheckRateVerdict = 'ok' | 'source' | 'session';

export class CheckRate {
  private readonly sources: RateLimiter;
  private readonly session: RateLimiter;

  constructor(opts: CheckRateOptions) {
    this.sources = new RateLimiter({ limit: opts.perSource, windowMs: 1000, maxKeys: MAX_TRACKED_SOURCES });
    this.session = new RateLimiter({ limit: opts.perSession, windowMs: 1000, maxKeys: 1 });
  }

  /**
   * Takes one check of `source` at `now`, if both its source and the session have one left. A source over
   * its own rate does not use up the session's: one noisy address cannot starve the others.
   */
  take(source: string, now: number): CheckRateVerdict {
    if (!this.sources.check(source, now).ok) return 'source';
    if (!this.session.allow('', now)) return 'session';
    this.sources.take(source, now);
    return 'ok';
  }
}
