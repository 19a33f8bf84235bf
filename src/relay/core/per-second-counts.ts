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
  rtp: { received: number; span: number };
}

/** A second that fell out of the window: counted nowhere (only a clock going backwards lands here). */
const scratch = (): Second => ({ received: 0, sent: 0, rtp: { received: 0, span: 0 } });

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

  /** A data-channel probe from the client. */
  received(): void {
    this.at(this.now()).received++;
  }

  /**
   * An audio RTP packet from the client, and the span its sequence numbers cover so far (from the first to
   * the highest seen, receive-counts.ts): the uplink's loss in a second is what arrived of what that span
   * grew by, however late the relay got to read the packets.
   */
  audio(span: number, atMs: number = this.now()): void {
    const second = this.at(atMs);
    second.received++;
    second.rtp.received++;
    second.rtp.span = span;
  }

  /** One packet echoed back to the client (at `atMs`: the native echo reports its packets afterwards). */
  sent(atMs: number = this.now()): void {
    this.at(atMs).sent++;
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
    while (this.first + this.seconds.length <= n) {
      // A second without audio keeps the span where the last one left it.
      const span = this.seconds.at(-1)?.rtp.span ?? 0;
      this.seconds.push({ received: 0, sent: 0, rtp: { received: 0, span } });
    }
    return this.seconds[n - this.first] as Second;
  }

  /** The kept seconds, oldest first, and how long ago (ms) the oldest began; none before the first packet. */
  snapshot(): MediaSeconds {
    if (this.origin === null) return { startAgoMs: 0, seconds: [] };
    const start = this.origin + this.first * 1000;
    return {
      startAgoMs: Math.max(0, Math.round(this.now() - start)),
      seconds: this.seconds.map((s) => ({ received: s.received, sent: s.sent, rtp: { ...s.rtp } })),
    };
  }
}
