/**
 * The relay's media ports per profile. A check's media crosses the firewall rule the chosen profile's calls
 * cross: desk phones send SRTP to 40000-49999 (`--media-ports`), the mobile and desktop apps to 60000-64999
 * (`--media-ports-apps`). A network that opens only the apps' range is ready for the apps; with one range
 * inside the desk phones' SRTP ports it read "UDP to the media ports seems blocked". Pure bookkeeping, like
 * the pools it holds: one session cap over both ranges.
 */
import { srtpRange } from '../../profiles/media-row.ts';
import { DESK_PHONE, MOBILE_APP } from '../../profiles/provider-ports.ts';
import type { PortRange, ProfileId } from '../../profiles/types.ts';
import { PortPool } from './port-pool.ts';

export type MediaRange = 'desk' | 'apps';

export interface PortSpan {
  first: number;
  last: number;
}

/**
 * The apps' range for the mobile and desktop apps; the desk phones' for the rest. Meetings' UDP media is one
 * port (8801), which one port per session cannot stand in for, so Meetings and offers that name no profile
 * (an older extension, the relay's web check) use the desk phones' range.
 */
export function mediaRangeFor(profile: ProfileId | undefined): MediaRange {
  return profile === 'mobile-app' || profile === 'desktop-app' ? 'apps' : 'desk';
}

/**
 * The provider's SRTP range each media range stands in for: the desk phones' and the apps'. A relay on high
 * ports (--media-stand-in) names it with each answer, as the probe ports name the provider port they stand in for.
 */
export function providerMediaRanges(): Record<MediaRange, PortRange> {
  return { desk: srtpRange(DESK_PHONE), apps: srtpRange(MOBILE_APP) };
}

export interface MediaPortsOptions {
  ranges: Record<MediaRange, PortSpan>;
  /** Most sessions at once over both ranges. */
  maxSessions: number;
  /** Ports never handed out: the UDP probe listeners inside a media range. */
  exclude?: ReadonlySet<number>;
}

export class MediaPorts {
  private readonly pools: Record<MediaRange, PortPool>;
  /** Most sessions at once: --max-sessions, or fewer when the ranges hold fewer ports. */
  readonly limit: number;

  constructor(opts: MediaPortsOptions) {
    const desk = new PortPool({ ...opts.ranges.desk, ...(opts.exclude ? { exclude: opts.exclude } : {}) });
    const { apps: a } = opts.ranges;
    // One range for both (a relay given only --media-ports in a test): one pool, so a port is never
    // handed out twice.
    const apps =
      a.first === desk.first && a.last === desk.last
        ? desk
        : new PortPool({ ...a, ...(opts.exclude ? { exclude: opts.exclude } : {}) });
    this.pools = { desk, apps };
    this.limit = Math.min(opts.maxSessions, apps === desk ? desk.size : desk.size + apps.size);
  }

  private distinct(): PortPool[] {
    return this.pools.apps === this.pools.desk ? [this.pools.desk] : [this.pools.desk, this.pools.apps];
  }

  get inUse(): number {
    return this.distinct().reduce((n, p) => n + p.inUse, 0);
  }

  /** Ports of this range that can be handed out. */
  size(range: MediaRange): number {
    return this.pools[range].size;
  }

  /** A free port of the range, held until release(); null when it is full or the session cap is reached. */
  take(range: MediaRange, endsAt: number): number | null {
    if (this.inUse >= this.limit) return null;
    return this.pools[range].take(endsAt);
  }

  reschedule(port: number, endsAt: number): void {
    for (const pool of this.distinct()) if (pool.has(port)) pool.reschedule(port, endsAt);
  }

  /** Returns false if the port was not taken (see PortPool.release). */
  release(port: number): boolean {
    return this.distinct().some((pool) => pool.has(port) && pool.release(port));
  }

  /** Whole seconds until a port of this range is due back, or any port when the session cap was the limit. */
  retryAfterS(range: MediaRange, now: number): number {
    if (this.inUse < this.limit) return this.pools[range].retryAfterS(now);
    return Math.min(
      ...this.distinct()
        .filter((p) => p.inUse > 0)
        .map((p) => p.retryAfterS(now)),
    );
  }
}
