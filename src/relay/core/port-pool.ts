/**
 * Media ports, one per session (werift binds one UDP socket, and with ICE-TCP one listener on the same
 * number, per peer connection). Pure bookkeeping: the shell takes a port before it creates a peer connection
 * and releases it once the connection's sockets are closed.
 *
 * Ports are handed out round-robin rather than lowest-first, so a port just released (whose stray packets or
 * half-closed TCP connections may still arrive) is the last to be reused, and a port that some other process
 * holds is skipped on the client's retry.
 */
export interface PortPoolOptions {
  first: number;
  last: number;
  /** Most ports in use at once (the relay's session cap); defaults to the whole range. */
  limit?: number;
  /**
   * Ports of the range never handed out: the UDP probe listeners that sit inside it (a relay on the
   * provider's numbers samples its probe ports from the same SRTP range its media uses).
   */
  exclude?: ReadonlySet<number>;
}

export class PortPool {
  readonly first: number;
  readonly last: number;
  readonly limit: number;
  /** Ports of the range that can be handed out. */
  readonly size: number;
  private readonly exclude: ReadonlySet<number>;
  /** Port → when its session ends at the latest (ms), to tell a refused client when to retry. */
  private readonly taken = new Map<number, number>();
  private cursor: number;

  constructor(opts: PortPoolOptions) {
    if (!Number.isInteger(opts.first) || !Number.isInteger(opts.last) || opts.first > opts.last) {
      throw new RangeError(`bad port range ${opts.first}-${opts.last}`);
    }
    this.first = opts.first;
    this.last = opts.last;
    this.exclude = opts.exclude ?? new Set();
    const excluded = [...this.exclude].filter((p) => p >= opts.first && p <= opts.last).length;
    this.size = this.span - excluded;
    this.limit = Math.min(opts.limit ?? Number.POSITIVE_INFINITY, this.size);
    this.cursor = opts.first;
  }

  /** Ports from first to last, excluded ones too. */
  private get span(): number {
    return this.last - this.first + 1;
  }

  has(port: number): boolean {
    return port >= this.first && port <= this.last && !this.exclude.has(port);
  }

  get inUse(): number {
    return this.taken.size;
  }

  /** A free port, held until release(); null when the range is full or the limit is reached. */
  take(endsAt: number): number | null {
    if (this.taken.size >= this.limit) return null;
    for (let i = 0; i < this.span; i++) {
      const port = this.first + ((this.cursor - this.first + i) % this.span);
      if (!this.taken.has(port) && !this.exclude.has(port)) {
        this.taken.set(port, endsAt);
        this.cursor = port === this.last ? this.first : port + 1;
        return port;
      }
    }
    return null;
  }

  /** The session on `port` now ends by `endsAt` (known once it connected): retryAfterS follows it. */
  reschedule(port: number, endsAt: number): void {
    if (this.taken.has(port)) this.taken.set(port, endsAt);
  }

  /** Returns false if the port was not taken, so a double release shows up instead of freeing a stranger's port. */
  release(port: number): boolean {
    return this.taken.delete(port);
  }

  /** Whole seconds until the first taken port is due back (at least 1). */
  retryAfterS(now: number): number {
    if (this.taken.size === 0) return 1;
    const soonest = Math.min(...this.taken.values());
    return Math.max(1, Math.ceil((soonest - now) / 1000));
  }
}
