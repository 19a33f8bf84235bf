/**
 * What the relay received from the client and sent back, second by second, so the client can chart loss per
 * direction over the run and not only as one figure for the whole of it (directional-loss.ts).
 *
 * Seconds are the relay's own, counted from the first packet of the session; the client places them on its
 * clock from how long ago the first reported second began when the relay answered (`startAgoMs`), see
 * checks/media/loss-per-second.ts. Bounded: only the latest MAX_COUNTED_SECONDS are kept (the longest media
 * time a client may ask for), so a session that runs past it forgets its first seconds, never grows.
 */
import { MAX_MEDIA_DURATION_S, type MediaSeconds } from '../../protocol/relay-messages.ts';

export const MAX_COUNTED_SECONDS = MAX_MEDIA_DURATION_S;

interface Second {
  received: number;
  sent: number;
}

/** A second that fell out of the window: counted nowhere (only a clock going backwards lands here). */
const scratch = (): Second => ({ received: 0, sent: 0 });

export class PerSecondCounts {
  private readonly now: () => number;
  /** When the session's first packet came (ms, a monotonic clock); second n starts n s after it. */
  private origin: number | null = null;
  /** The number of the first kept second. */
  private first = 0;
  private readonly seconds: Second[] = [];

  constructor(now: () => number) {
    this.now = now;
  }

  /** One packet from the client (audio RTP or a data-channel probe). */
  received(): void {
    this.at(this.now()).received++;
  }

  /** One packet echoed back to the client. */
  sent(): void {
    this.at(this.now()).sent++;
  }

  private at(nowMs: number): Second {
    this.origin ??= nowMs;
    const n = Math.floor((nowMs - this.origin) / 1000);
    if (n < this.first) return scratch();
    const over = n - this.first - MAX_COUNTED_SECONDS + 1;
    if (over > 0) {
      this.seconds.splice(0, over);
      this.first += over;
    }
    while (this.first + this.seconds.length <= n) this.seconds.push({ received: 0, sent: 0 });
    return this.seconds[n - this.first] as Second;
  }

  /** The kept seconds, oldest first, and how long ago (ms) the oldest began; none before the first packet. */
  snapshot(): MediaSeconds {
    if (this.origin === null) return { startAgoMs: 0, seconds: [] };
    const start = this.origin + this.first * 1000;
    return {
      startAgoMs: Math.max(0, Math.round(this.now() - start)),
      seconds: this.seconds.map((s) => ({ received: s.received, sent: s.sent })),
    };
  }
}
