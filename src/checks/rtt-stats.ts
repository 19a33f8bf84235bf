/** Round-trip samples (null = lost) reduced to the figures a report shows. */
export interface RttSummary {
  sent: number;
  received: number;
  minMs: number | null;
  medianMs: number | null;
  maxMs: number | null;
}

export function summarizeRtts(samples: ReadonlyArray<number | null>): RttSummary {
  const got = samples.filter((s): s is number => s !== null).sort((a, b) => a - b);
  const mid = got.length >> 1;
  const median =
    got.length === 0
      ? null
      : got.length % 2
        ? (got[mid] ?? null)
        : ((got[mid - 1] ?? 0) + (got[mid] ?? 0)) / 2;
  return {
    sent: samples.length,
    received: got.length,
    minMs: got[0] ?? null,
    medianMs: median === null ? null : Math.round(median * 10) / 10,
    maxMs: got.at(-1) ?? null,
  };
}
