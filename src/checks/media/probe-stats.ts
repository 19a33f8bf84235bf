/**
 * Data-channel probe packets (sent every PROBE_INTERVAL_MS, echoed by the relay) reduced to round trip, loss
 * and jitter per packet. Independent of RTCP, so it works even where a browser's RTCP stats are thin.
 */
export const PROBE_INTERVAL_MS = 20;

export interface ProbeSample {
  seq: number;
  sentAt: number;
  /** null when no echo came back. */
  rttMs: number | null;
}

import type { ProbeSummary } from '../../protocol/report.ts';

export type { ProbeSummary };

const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? null;
}

export function summarizeProbes(samples: readonly ProbeSample[]): ProbeSummary {
  const rtts = samples.map((s) => s.rttMs).filter((r): r is number => r !== null);
  const sorted = [...rtts].sort((a, b) => a - b);
  let diffs = 0;
  for (let i = 1; i < rtts.length; i++) diffs += Math.abs((rtts[i] as number) - (rtts[i - 1] as number));
  const median = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  return {
    sent: samples.length,
    received: rtts.length,
    lossPercent: samples.length ? round1(((samples.length - rtts.length) / samples.length) * 100) : null,
    rttMedianMs: median === null ? null : round1(median),
    rttP95Ms: p95 === null ? null : round1(p95),
    jitterMs: rtts.length > 1 ? round1(diffs / (rtts.length - 1)) : null,
  };
}
