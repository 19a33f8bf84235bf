/**
 * Stretches of a run in which no echoed audio arrived, from the per-second samples: a network that drops
 * media for a few seconds and recovers shows up as a gap instead of vanishing into an average. Pure.
 */
import type { MediaGap, MediaSample } from '../../protocol/report.ts';

export function findGaps(samples: readonly MediaSample[]): MediaGap[] {
  const gaps: MediaGap[] = [];
  let open: MediaGap | null = null;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1] as MediaSample;
    const cur = samples[i] as MediaSample;
    const flowing = cur.packetsReceived > prev.packetsReceived;
    if (!flowing) {
      if (open) open.toS = cur.t;
      else open = { fromS: prev.t, toS: cur.t };
    } else if (open) {
      open.toS = cur.t;
      gaps.push(open);
      open = null;
    }
  }
  if (open) gaps.push(open);
  return gaps;
}
