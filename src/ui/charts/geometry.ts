/**
 * The arithmetic behind the report page's charts, pure so it is unit-tested: per-second loss from the
 * cumulative counters, a rounded axis top, and SVG paths that break where a second has no value.
 */
import type { MediaSample, Report } from '../../protocol/report.ts';

/**
 * Loss in each second, in percent, from the cumulative received/lost counters of the samples; null for a
 * second in which no packet was expected (nothing to judge).
 */
export function lossPerSecond(samples: readonly MediaSample[]): (number | null)[] {
  let received = 0;
  let lost = 0;
  return samples.map((s) => {
    const dr = Math.max(0, s.packetsReceived - received);
    const dl = Math.max(0, s.packetsLost - lost);
    received = Math.max(received, s.packetsReceived);
    lost = Math.max(lost, s.packetsLost);
    return dr + dl === 0 ? null : (dl / (dr + dl)) * 100;
  });
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value` (and at least `floor`), for a readable axis top. */
export function niceMax(value: number, floor = 1): number {
  const v = Math.max(value, floor);
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

/** Maps [0, max] onto [bottom, top] of the plot (SVG's y grows downwards). */
export const yScale =
  (max: number, top: number, bottom: number) =>
  (value: number): number =>
    bottom - (Math.min(value, max) / max) * (bottom - top);

/** An SVG path through the points, lifting the pen over missing values (a second without a measurement). */
export function linePath(points: readonly (readonly [number, number | null])[]): string {
  let out = '';
  let pen = false;
  for (const [x, y] of points) {
    if (y === null) {
      pen = false;
      continue;
    }
    out += `${pen ? 'L' : 'M'}${round(x)} ${round(y)}`;
    pen = true;
  }
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Smallest and largest of the values that were measured; null when none was. */
export function range(values: readonly (number | null)[]): { min: number; max: number } | null {
  const got = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return got.length === 0 ? null : { min: Math.min(...got), max: Math.max(...got) };
}

/** Height of a label line in the charts' SVG units (11 px text). */
const LABEL_GAP = 13;

/**
 * Where the uplink and downlink lines' labels go: just above each line, the uplink's above the downlink's
 * when the lines are too close for both (two equal figures give one line and two stacked labels, uplink on top).
 */
export function directionLabelYs(upY: number, downY: number): { up: number; down: number } {
  const up = upY - 4;
  const down = downY - 4;
  if (Math.abs(up - down) >= LABEL_GAP) return { up, down };
  const low = Math.max(up, down);
  return up > down ? { up: low, down: low - LABEL_GAP } : { up: low - LABEL_GAP, down: low };
}

/** The history oldest first, as the timeline reads left to right. */
export const chronological = (history: readonly Report[]): Report[] =>
  [...history].sort((a, b) => (a.finishedAt < b.finishedAt ? -1 : a.finishedAt > b.finishedAt ? 1 : 0));
