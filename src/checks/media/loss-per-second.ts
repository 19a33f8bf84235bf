/**
 * Loss per direction, second by second (the extended check's chart). Pure.
 *
 * The relay counts, in each of its seconds, the packets it received from this computer and the packets it
 * echoed back (relay/core/per-second-counts.ts); the browser knows what it sent and what came back. So for each
 * of the relay's seconds:
 *
 * - uplink loss = 1 - relay received / this computer sent (of the packets that reached the relay in it),
 * - downlink loss = 1 - this computer received / relay sent (of the packets the relay echoed in it).
 *
 * Both sides count audio RTP and the data-channel probes together, about 100 packets a second (50 of each).
 *
 * Aligning the seconds. The relay's seconds run on its clock; it says how long before its answer the first
 * reported one began (`startAgoMs`), so on this computer's clock the relay's second k began, as the relay saw
 * packets, at answeredAt - startAgoMs - oneWay + k s, with oneWay about half the round trip (the answer took
 * that long to come). Packets the relay received in it were sent one way earlier (one round trip before
 * answeredAt - startAgoMs + k s); packets it echoed in it arrived here one way later (answeredAt - startAgoMs
 * + k s: no estimate needed). The browser's audio counters are read once a second at times of their own
 * (getStats, timed at the middle of the call), so they are interpolated linearly onto those boundaries:
 * audio leaves at a constant 50 packets a second, so a straight line between two readings is exact for what
 * was sent, and for what came back but for where losses fell inside the second between two readings. The
 * probes carry their own send and echo times and are counted exactly.
 *
 * Resolution: one second holds about 100 packets, so each packet is one point. The boundaries are placed to
 * within the error of the one-way estimate, the moment the answer was handled and the counters' read times,
 * tens of ms, and the straight line between readings can put a packet or two of a burst into the next second:
 * each second's figure is good to about ±2 points (a packet or two), and at the edge of a burst that lost
 * half a second on the other direction, whose seconds then hold only ~50 packets, to about ±4 (the whole-run
 * figures, directional-loss.ts, are far finer). A second is left out (null)
 * where the browser's counters do not cover it (before the media time began, after the last reading) or
 * where it held fewer than MIN_PACKETS packets to judge.
 */
import type { MediaSeconds } from '../../protocol/relay-messages.ts';
import type { LossSecond } from '../../protocol/report.ts';
import type { ProbeSample } from './probe-stats.ts';

/** Fewer packets than this in a second (a second cut short by the media's start or end) gives no figure. */
export const MIN_PACKETS = 20;

/** The browser's audio counters at one moment: RTP sent, and echoed RTP received (outbound/inbound-rtp). */
export interface AudioCounters {
  at: number;
  sent: number;
  received: number;
}

export interface PerSecondInput {
  relay: MediaSeconds;
  /** When the relay's answer arrived (this computer's clock, ms). */
  answeredAt: number;
  /** The round trip (ms), for the one-way time; null counts as 0 (a round trip of a few ms on a LAN). */
  rttMs: number | null;
  /** The audio counters in time order, from the start of the media time to after its end. */
  audio: readonly AudioCounters[];
  probes: readonly ProbeSample[];
  /** When the media time began: each second's t is its end, in seconds since then (as the samples' t). */
  mediaStart: number;
}

/** A counter's value at `time`, interpolated linearly between the readings around it; null outside them. */
export function counterAt(
  readings: readonly AudioCounters[],
  key: 'sent' | 'received',
  time: number,
): number | null {
  const first = readings[0];
  const last = readings.at(-1);
  if (!first || !last || time < first.at || time > last.at) return null;
  for (let i = 1; i < readings.length; i++) {
    const a = readings[i - 1] as AudioCounters;
    const b = readings[i] as AudioCounters;
    if (time > b.at) continue;
    if (b.at === a.at) return b[key];
    return a[key] + ((b[key] - a[key]) * (time - a.at)) / (b.at - a.at);
  }
  return last[key];
}

function audioBetween(audio: readonly AudioCounters[], key: 'sent' | 'received', from: number, to: number) {
  const a = counterAt(audio, key, from);
  const b = counterAt(audio, key, to);
  return a === null || b === null ? null : Math.max(0, b - a);
}

const count = (times: readonly number[], from: number, to: number) =>
  times.filter((t) => t >= from && t < to).length;

/** Percent lost of `expected`, within 0-100, or null when too few packets were expected to judge. */
function lossOf(arrived: number, expected: number): number | null {
  if (expected < MIN_PACKETS) return null;
  const lost = Math.min(1, Math.max(0, 1 - arrived / expected));
  return Math.round(lost * 1000) / 10;
}

export function lossPerSecondByDirection(input: PerSecondInput): LossSecond[] {
  const { relay, audio, probes } = input;
  const rtt = Math.max(0, input.rttMs ?? 0);
  /** When the relay's first reported second began, as echoes of it arrive here. */
  const zero = input.answeredAt - relay.startAgoMs;
  const probeSent = probes.map((p) => p.sentAt);
  const probeBack = probes.flatMap((p) => (p.rttMs === null ? [] : [p.sentAt + p.rttMs]));
  const out: LossSecond[] = [];
  relay.seconds.forEach((second, k) => {
    const back = zero + k * 1000;
    const sentFrom = back - rtt;
    const audioSent = audioBetween(audio, 'sent', sentFrom, sentFrom + 1000);
    const audioBack = audioBetween(audio, 'received', back, back + 1000);
    const uplink =
      audioSent === null
        ? null
        : lossOf(second.received, audioSent + count(probeSent, sentFrom, sentFrom + 1000));
    const downlink =
      audioBack === null ? null : lossOf(audioBack + count(probeBack, back, back + 1000), second.sent);
    if (uplink === null && downlink === null) return;
    // The second's end, as the relay saw it, in seconds of the media time.
    const t = Math.round((back - rtt / 2 + 1000 - input.mediaStart) / 100) / 10;
    out.push({ t, uplink, downlink });
  });
  return out;
}
