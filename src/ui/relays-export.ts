/**
 * Relays (regions) compared in a run, as the history's exports write them: per relay its name, host, whether
 * it is the configured one and the recommended one, and its figures. Pure.
 */
import type { RegionsReport, Report } from '../protocol/report.ts';

export interface ExportedRelay {
  name: string;
  host: string;
  configured: boolean;
  recommended: boolean;
  rttMs: number | null;
  lossPercent: number | null;
  jitterMs: number | null;
  mos: number | null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A run's relays, best first as its report ranks them; empty when the run compared none. */
export function exportedRelays(regions: RegionsReport | null | undefined): ExportedRelay[] {
  return (regions?.relays ?? []).map((r) => ({
    name: r.name,
    host: hostOf(r.url),
    configured: r.primary,
    recommended: r.url === regions?.recommended,
    rttMs: r.rttMs,
    lossPercent: r.lossPercent,
    jitterMs: r.jitterMs,
    mos: r.mos,
  }));
}

const FIELDS = [
  'Name',
  'Host',
  'Configured',
  'Recommended',
  'RttMs',
  'LossPercent',
  'JitterMs',
  'Mos',
] as const;

/**
 * CSV columns for the relays of the runs exported: the recommended relay's name, then one group a relay
 * (relay1Name, relay1Host, …) up to the most any run compared. None when no run compared relays, so the
 * file stays as it was for everyone who does not.
 */
export function relayColumns(history: readonly Report[]): {
  header: string[];
  values: (r: Report) => (string | number | boolean | null)[];
} {
  const most = Math.max(0, ...history.map((r) => r.regions?.relays.length ?? 0));
  if (most === 0) return { header: [], values: () => [] };
  const header = ['recommendedRelay'];
  for (let i = 1; i <= most; i++) header.push(...FIELDS.map((f) => `relay${i}${f}`));
  return {
    header,
    values: (r) => {
      const relays = exportedRelays(r.regions);
      const cells: (string | number | boolean | null)[] = [relays.find((x) => x.recommended)?.name ?? null];
      for (let i = 0; i < most; i++) {
        const x = relays[i];
        cells.push(
          ...(x
            ? [x.name, x.host, x.configured, x.recommended, x.rttMs, x.lossPercent, x.jitterMs, x.mos]
            : FIELDS.map(() => null)),
        );
      }
      return cells;
    },
  };
}
