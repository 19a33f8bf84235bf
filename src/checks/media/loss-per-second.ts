/**
 * Loss per direction, second by second (the extended check's chart). Pure.
 *
 * The relay counts, in each of its seconds (relay/core/per-second-counts.ts), the audio RTP packets it
 * received from this computer, which it echoes back one for one, and how far their sequence numbers reached
 * (the span from the session's first). The browser counts the echoed stream: packets received and the span
 * their sequence numbers cover (inbound-rtp packetsReceived + packetsLost), read about once a second. The echo
 * keeps this computer's sequence numbers, so both count in one space, the sequence numbers, not in time:
 *
 * - uplink loss in the relay's second k = 1 - received / what the span grew by in it (RFC 3550's interval
 *   loss, as the whole-run figure): a packet the relay read late (a busy relay) still counts in the second it
 *   was read, with its sequence number, so the two stay together;
 * - downlink loss = what the relay echoed in that second and did not come back / what it echoed.
 *
 * Aligning the seconds: the relay's seconds end at known points of the span. The browser's readings fall
 * elsewhere on it; at each, what was lost on the way down is what the relay had echoed up to that point
 * (interpolated within the relay's second) less what came back, and that is interpolated linearly between
 * two readings onto the relay's boundaries: audio flows at an even 50 packets a second, and what the uplink
 * lost is the relay's exact count, not spread. Both spans count from the session's first packet; the
 * browser's from the first echo it received, one or two later when the very first packets were lost, which
 * moves a boundary by that much. No clock is compared: a busy relay or browser that reads late moves nothing.
 * A packet lost on the way up counts in the second in which a later one arrived (as RFC 3550 counts it). The
 * clock places each second on the chart only: the relay says how long before its answer its first second
 * began (`startAgoMs`), and its echoes of second k arrive here at answeredAt - startAgoMs + k s.
 *
 * Resolution: audio is 50 packets a second, so each packet is 2 points. The uplink figure is exact for the
 * packets the relay read in that second; the downlink's is exact but for where its losses fell between two
 * readings and the one or two packets the first echo may be off by: each second good to about ±2 points (a
 * packet), ±4 at the edge of a burst (the whole-run figures, directional-loss.ts, are far finer). A second
 * is left out (null) where the browser's readings do not reach it (before the media time began, after the
 * last reading) or where it held fewer than MIN_PACKETS packets to judge.
 */
import type { MediaSeconds } from '../../protocol/relay-messages.ts';
import type { LossSecond } from '../../protocol/report.ts';

/** Fewer packets than this in a second (a second cut short by the media's start or end) gives no figure. */
export const MIN_PACKETS = 20;

/**
 * The browser's counters of the echoed audio at one moment (inbound-rtp): packets received, and lost by the
 * gaps in their sequence numbers.
 */
export interface EchoCounters {
  at: number;
  received: number;
  lost: number;
}

export interface PerSecondInput {
  relay: MediaSeconds;
  /** When the relay's answer arrived (this computer's clock, ms): only to place the seconds on the chart. */
  answeredAt: number;
  /** The readings in time order, from the start of the media time to after its end. */
  echoes: readonly EchoCounters[];
  /** When the media time began: each second's t is its end, in seconds since then (as the samples' t). */
  mediaStart: number;
}

interface Point {
  span: number;
  value: number;
}

/** A cumulative count at `span`, interpolated linearly between the points around it; null outside them. */
export function valueAtSpan(points: readonly Point[], span: number): number | null {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || span < first.span || span > last.span) return null;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    if (span > b.span) continue;
    if (b.span === a.span) return b.value;
    return a.value + ((b.value - a.value) * (span - a.span)) / (b.span - a.span);
  }
  return last.value;
}

/** Percent lost of `expected`, within 0-100, or null when too few packets were expected to judge. */
function lossOf(arrived: number, expected: number): number | null {
  if (expected < MIN_PACKETS) return null;
  const lost = Math.min(1, Math.max(0, 1 - arrived / expected));
  return Math.round(lost * 1000) / 10;
}

/**
 * Packets lost on the way down by each of the browser's readings: what the relay had echoed of the span the
 * reading reached (interpolated between the relay's seconds) less what came back. Null where the relay's
 * seconds do not reach the reading.
 */
function downlinkLost(relay: MediaSeconds, echoes: readonly EchoCounters[]): Point[] {
  let echoed = 0;
  const relayPoints: Point[] = relay.seconds.map((s, k) => {
    if (k > 0) echoed += s.rtp.received;
    return { span: s.rtp.span, value: echoed };
  });
  return echoes.flatMap((r) => {
    const span = r.received + r.lost;
    const sent = valueAtSpan(relayPoints, span);
    return sent === null ? [] : [{ span, value: sent - r.received }];
  });
}

export function lossPerSecondByDirection(input: PerSecondInput): LossSecond[] {
  const { relay } = input;
  const zero = input.answeredAt - relay.startAgoMs;
  const lostDown = downlinkLost(relay, input.echoes);
  const out: LossSecond[] = [];
  relay.seconds.forEach((second, k) => {
    // The first kept second has no known start of its span: it gives no figure.
    const before = k === 0 ? null : (relay.seconds[k - 1]?.rtp.span ?? null);
    if (before === null) return;
    const { received, span } = second.rtp;
    const uplink = lossOf(received, span - before);
    const from = valueAtSpan(lostDown, before);
    const to = valueAtSpan(lostDown, span);
    const downlink = from === null || to === null ? null : lossOf(received - (to - from), received);
    if (downlink === null) return;
    const t = Math.round((zero + (k + 1) * 1000 - input.mediaStart) / 100) / 10;
    out.push({ t, uplink, downlink });
  });
  return out;
}
