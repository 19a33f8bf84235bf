/**
 * The relay's one rate limiter: per-key attempt limits with a Retry-After, a token bucket holding `limit`
 * attempts that refills over `windowMs`, so `limit` quick attempts pass and the next waits for a token.
 * Uploads and sign-ins use it per minute, the STUN responder per second, media session starts per minute.
 * Pure bookkeeping with the clock passed in.
 *
 * The table is bounded: when it holds `maxKeys`, the least recently used key is forgotten to make room, so
 * a full table neither refuses everyone (fail closed) nor lets everyone through (fail open). A forgotten key
 * comes back with a full bucket; a limit that must hold however many keys there are is a separate, global
 * limiter (the sign-in limit has one).
 */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  /** Most keys tracked at once; beyond this the least recently used is forgotten. */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  /** In order of last use, oldest first (a Map keeps insertion order; a use re-inserts). */
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;

  constructor(opts: RateLimitOptions) {
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Keys tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  /** Whether `key` has an attempt left, without using it. */
  check(key: string, now: number): RateDecision {
    const b = this.buckets.get(key);
    return this.decide(b ? this.refilled(b, now) : this.limit);
  }

  /** Uses one attempt of `key`, if it has one. */
  take(key: string, now: number): RateDecision {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.limit, at: now };
    } else {
      this.buckets.delete(key);
      b.tokens = this.refilled(b, now);
      b.at = now;
    }
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    const decision = this.decide(b.tokens);
    if (decision.ok) b.tokens -= 1;
    return decision;
  }

  /** take(), as a yes or no (the STUN responder has no one to tell the wait to). */
  allow(key: string, now: number): boolean {
    return this.take(key, now).ok;
  }

  private decide(tokens: number): RateDecision {
    if (tokens >= 1) return { ok: true };
    const msPerToken = this.windowMs / this.limit;
    return { ok: false, retryAfterS: Math.max(1, Math.ceil(((1 - tokens) * msPerToken) / 1000)) };
  }

  /** A clock stepping back counts as no time passed rather than draining the bucket. */
  private refilled(b: Bucket, now: number): number {
    return Math.min(this.limit, b.tokens + (Math.max(0, now - b.at) / this.windowMs) * this.limit);
  }
}
