/**
 * When the quick check has heard enough. A fixed window measures a clean network as long as a lossy one; the
 * quick check instead stops as soon as its loss figure is known to within ±2 points at 95 % (the Wilson
 * interval at most 4 points wide), which on a network that loses nothing takes about a second of audio and
 * probes (93 packets, at about 100 a second). A lossy network needs more packets for the same resolution
 * (1 % about 150, 2 % about 220, 3 % about 300, 10 % about 870), so it keeps measuring up to the configured
 * duration (3 s by default), as before. The extended check always
 * runs its whole duration: that is where precise figures come from. Pure.
 */
import { type Tally, wilsonInterval } from './directional-loss.ts';
import type { ProbeSample } from './probe-stats.ts';

/** Half the 95 % interval the quick check's loss figure must reach before it may stop, in points. */
export const LOSS_RESOLUTION_POINTS = 2;

/**
 * Media flows at least this long even when loss is resolved sooner: round trip and jitter need their samples
 * too (about 50 probe echoes), and a network that drops a burst every second must have a chance to show it.
 */
export const MIN_MEDIA_MS = 1000;

/**
 * A probe with no echo yet is counted as lost only once it is older than this (or than twice the slowest echo
 * so far): one still on its way must not read as loss, which would only widen the interval anyway.
 */
export const PROBE_SETTLE_MS = 200;

/** The round trip so far: echoed audio by the browser's counters, probes that have had time to come back. */
export function roundTripSoFar(
  audio: { received: number; lost: number },
  probes: readonly ProbeSample[],
  now: number,
): Tally {
  let slowest = 0;
  for (const p of probes) if (p.rttMs !== null && p.rttMs > slowest) slowest = p.rttMs;
  const settleMs = Math.max(PROBE_SETTLE_MS, 2 * slowest);
  let packets = 0;
  let lost = 0;
  for (const p of probes) {
    if (p.rttMs !== null) packets++;
    else if (now - p.sentAt > settleMs) {
      packets++;
      lost++;
    }
  }
  return { packets: audio.received + audio.lost + packets, lost: audio.lost + lost };
}

/**
 * Whether the round-trip loss is resolved to LOSS_RESOLUTION_POINTS. The round trip carries both directions'
 * loss over about as many packets as each one-way figure, so when it is resolved, so are they (below 50 %,
 * a smaller proportion over the same count has a narrower interval).
 */
export function lossResolved(roundTrip: Tally): boolean {
  const w = wilsonInterval(roundTrip);
  return w !== null && ((w.high - w.low) / 2) * 100 <= LOSS_RESOLUTION_POINTS;
}

/** How often, once MIN_MEDIA_MS has passed, the quick check looks whether loss is resolved. */
export const RESOLUTION_CHECK_MS = 100;

/** Whether every probe sent has had its echo: then there is nothing late left to wait for. */
export function allProbesEchoed(probes: readonly ProbeSample[]): boolean {
  return probes.every((p) => p.rttMs !== null);
}
