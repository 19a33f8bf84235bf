/**
 * Per client address caps on media sessions: how many one address may hold at once, and how many it may
 * start in a minute. The global cap is the port pool's; these keep one address (one office behind a NAT,
 * or one misbehaving script) from taking all of it. Pure bookkeeping with the clock passed in; the key is
 * the shell's (http/client-key.ts: IPv4 as is, IPv6 by /64).
 */
import { RateLimiter } from './rate-limit.ts';

export interface AddressLimitsOptions {
  /** Most sessions one address holds at once. */
  concurrent: number;
  /** Most sessions one address starts in a minute (a bucket of this many, refilled over the minute). */
  startsPerMinute: number;
  /** Most addresses tracked at once (each is a few bytes; beyond this, new ones are refused). */
  maxKeys?: number;
}

export type Admission =
  | { ok: true; id: number }
  | { ok: false; why: 'concurrent' | 'starts'; retryAfterS: number };

export class AddressLimits {
  private readonly concurrent: number;
  private readonly starts: RateLimiter;
  private readonly maxKeys: number;
  /** Address → its live sessions' ids → when each ends at the latest (to say when to retry). */
  private readonly live = new Map<string, Map<number, number>>();
  private nextId = 1;

  constructor(opts: AddressLimitsOptions) {
    this.concurrent = opts.concurrent;
    this.maxKeys = opts.maxKeys ?? 10_000;
    this.starts = new RateLimiter({ limit: opts.startsPerMinute, windowMs: 60_000, maxKeys: this.maxKeys });
  }

  /** Addresses holding at least one session. */
  get addresses(): number {
    return this.live.size;
  }

  /**
   * Admits one session for `key` that ends by `endsAt` at the latest, or says why not and when to retry.
   * A refusal for holding too many does not use up one of the minute's starts.
   */
  admit(key: string, now: number, endsAt: number): Admission {
    const mine = this.live.get(key);
    if (mine && mine.size >= this.concurrent) {
      const soonest = Math.min(...mine.values());
      return { ok: false, why: 'concurrent', retryAfterS: Math.max(1, Math.ceil((soonest - now) / 1000)) };
    }
    if (!mine && this.live.size >= this.maxKeys) return { ok: false, why: 'concurrent', retryAfterS: 1 };
    const start = this.starts.take(key, now);
    if (!start.ok) return { ok: false, why: 'starts', retryAfterS: start.retryAfterS };
    const id = this.nextId++;
    const sessions = mine ?? new Map<number, number>();
    sessions.set(id, endsAt);
    this.live.set(key, sessions);
    return { ok: true, id };
  }

  /** The session `id` of `key` now ends by `endsAt` (known once it connected). */
  reschedule(key: string, id: number, endsAt: number): void {
    const mine = this.live.get(key);
    if (mine?.has(id)) mine.set(id, endsAt);
  }

  /** The session `id` of `key` has ended. Returns false if it was not live (a double release). */
  release(key: string, id: number): boolean {
    const mine = this.live.get(key);
    if (!mine?.delete(id)) return false;
    if (mine.size === 0) this.live.delete(key);
    return true;
  }
}
