/**
 * A token bucket per source address, so the STUN responder cannot be turned into a reflector: a forged
 * source address gets at most `perSecond` answers a second (after a burst of as many), whatever the number
 * of probe ports or sessions. Pure bookkeeping with the clock passed in.
 */
export interface SourceRateLimitOptions {
  /** Tokens added per second, and the bucket's size. */
  perSecond: number;
  /** Most sources tracked at once; a new source beyond this is refused until old buckets refill. */
  maxSources: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SourceRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perSecond: number;
  private readonly maxSources: number;

  constructor(opts: SourceRateLimitOptions) {
    this.perSecond = opts.perSecond;
    this.maxSources = opts.maxSources;
  }

  get sources(): number {
    return this.buckets.size;
  }

  /** Takes one token for `source` if it has one. */
  take(source: string, now: number): boolean {
    let bucket = this.buckets.get(source);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxSources) this.prune(now);
      if (this.buckets.size >= this.maxSources) return false;
      bucket = { tokens: this.perSecond, at: now };
      this.buckets.set(source, bucket);
    }
    bucket.tokens = this.refilled(bucket, now);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets buckets that have refilled: they behave exactly like a source never seen. */
  private prune(now: number): void {
    for (const [source, b] of this.buckets) {
      if (this.refilled(b, now) >= this.perSecond) this.buckets.delete(source);
    }
  }

  /** A wall clock can step back; elapsed time then counts as zero rather than draining the bucket. */
  private refilled(b: Bucket, now: number): number {
    return Math.min(this.perSecond, b.tokens + (Math.max(0, now - b.at) / 1000) * this.perSecond);
  }
}
