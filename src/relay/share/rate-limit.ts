/**
 * Per-key attempt limits with a Retry-After: a token bucket holding `limit` attempts that refills over
 * `windowMs`, so `limit` quick attempts pass and the next waits for a token. Pure bookkeeping with the
 * clock passed in (the STUN limiter works per second; this one per minute and tells the wait).
 */
export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  /** Most keys tracked at once; beyond this, refilled buckets are forgotten, then new keys are refused. */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;

  constructor(opts: RateLimitOptions) {
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.maxKeys = opts.maxKeys ?? 10_000;
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
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      if (this.buckets.size >= this.maxKeys)
        return { ok: false, retryAfterS: Math.ceil(this.windowMs / 1000) };
      b = { tokens: this.limit, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = this.refilled(b, now);
    b.at = now;
    const decision = this.decide(b.tokens);
    if (decision.ok) b.tokens -= 1;
    return decision;
  }

  private decide(tokens: number): RateDecision {
    if (tokens >= 1) return { ok: true };
    const msPerToken = this.windowMs / this.limit;
    return { ok: false, retryAfterS: Math.max(1, Math.ceil(((1 - tokens) * msPerToken) / 1000)) };
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) if (this.refilled(b, now) >= this.limit) this.buckets.delete(key);
  }

  /** A clock stepping back counts as no time passed rather than draining the bucket. */
  private refilled(b: Bucket, now: number): number {
    return Math.min(this.limit, b.tokens + (Math.max(0, now - b.at) / this.windowMs) * this.limit);
  }
}
