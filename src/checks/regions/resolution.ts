/**
 * What a relay's quick sample can tell apart. Each relay other than the configured one gets about a second of
 * audio (the quick check stops once loss is known to ±2 points), so two clean relays differ by a millisecond
 * of round trip or a tenth of a MOS point from one run to the next. Advising a user to move on such a
 * difference would be advice on noise, so two relays differ in a figure only when:
 *
 * - loss: their 95 % intervals (Wilson score, as the media check reports them) do not overlap; without an
 *   interval, by more than twice the quick check's resolution (±2 points each, so 4 points);
 * - round trip: by more than 5 ms and by more than a tenth of the longer one (a busy computer's timers and
 *   the network's own variation move a quick sample's round trip by a few ms);
 * - jitter: by more than 3 ms (the browser's estimate from about 50 packets);
 * - MOS: by more than 0.1 (the report's one decimal), and only where one of the three above differs: the MOS
 *   is made of them, so a MOS gap from figures within their resolution is the same noise.
 *
 * Pure.
 */
import { LOSS_RESOLUTION_POINTS } from '../media/media-window.ts';

export const MOS_RESOLUTION = 0.1;
export const RTT_RESOLUTION_MS = 5;
export const RTT_RESOLUTION_SHARE = 0.1;
export const JITTER_RESOLUTION_MS = 3;

/** The figures of one relay the comparison looks at; null when not measured. */
export interface SampledFigures {
  rttMs: number | null;
  lossPercent: number | null;
  /** The loss figure's 95 % interval, in percent (absent: not known). */
  lossInterval?: { low: number; high: number } | null;
  jitterMs: number | null;
  mos: number | null;
}

export type Figure = 'mos' | 'loss' | 'rtt' | 'jitter';

/** Above this, a difference is more than rounding (figures are stored to a tenth). */
const EPSILON = 1e-9;

function intervalOf(r: SampledFigures): { low: number; high: number } | null {
  if (r.lossInterval) return r.lossInterval;
  if (r.lossPercent === null) return null;
  return { low: r.lossPercent - LOSS_RESOLUTION_POINTS, high: r.lossPercent + LOSS_RESOLUTION_POINTS };
}

function lossApart(a: SampledFigures, b: SampledFigures): boolean {
  const ia = intervalOf(a);
  const ib = intervalOf(b);
  if (!ia || !ib) return false;
  return ia.high < ib.low - EPSILON || ib.high < ia.low - EPSILON;
}

function rttApart(a: SampledFigures, b: SampledFigures): boolean {
  if (a.rttMs === null || b.rttMs === null) return false;
  const d = Math.abs(a.rttMs - b.rttMs);
  return d > RTT_RESOLUTION_MS + EPSILON && d > RTT_RESOLUTION_SHARE * Math.max(a.rttMs, b.rttMs) + EPSILON;
}

function jitterApart(a: SampledFigures, b: SampledFigures): boolean {
  if (a.jitterMs === null || b.jitterMs === null) return false;
  return Math.abs(a.jitterMs - b.jitterMs) > JITTER_RESOLUTION_MS + EPSILON;
}

/** The figures, in the order the comparison weighs them, in which a and b differ by more than their samples' noise. */
export function figuresApart(a: SampledFigures, b: SampledFigures): Figure[] {
  const parts: Figure[] = [];
  if (lossApart(a, b)) parts.push('loss');
  if (rttApart(a, b)) parts.push('rtt');
  if (jitterApart(a, b)) parts.push('jitter');
  const mosApart =
    a.mos !== null &&
    b.mos !== null &&
    Math.abs(a.mos - b.mos) > MOS_RESOLUTION + EPSILON &&
    parts.length > 0;
  return mosApart ? ['mos', ...parts] : parts;
}

/** Whether a quick sample of each can tell the two relays apart at all. */
export const toldApart = (a: SampledFigures, b: SampledFigures): boolean => figuresApart(a, b).length > 0;
