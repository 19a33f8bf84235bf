/**
 * The history as files a user can keep or put in a spreadsheet: JSON (the reports as stored, each compared
 * relay with its host and whether it is recommended) and CSV (one row a run, the figures a chart shows, and
 * the relays compared). Pure; the report page downloads what these return.
 */
import type { Report } from '../protocol/report.ts';
import { exportedRelays, relayColumns } from './relays-export.ts';

const COLUMNS = [
  'finishedAt',
  'runId',
  'verdict',
  'interrupted',
  'mos',
  'rttMs',
  'jitterMs',
  'lossPercent',
  'transport',
  'relayUrl',
  'headline',
] as const;

/**
 * One CSV field: quoted when it holds a separator, a quote or a line break; a text that a spreadsheet would
 * run as a formula (= + - @ at the start) gets a leading apostrophe, since a headline quotes relay text.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function historyCsv(history: readonly Report[]): string {
  const relays = relayColumns(history);
  const rows = history.map((r) =>
    [
      r.finishedAt,
      r.runId,
      r.verdict,
      r.interrupted,
      r.media?.mos ?? null,
      r.media?.rttMs ?? null,
      r.media?.jitterMs ?? null,
      r.media?.lossPercent ?? null,
      r.media?.transport ?? null,
      r.relayUrl,
      r.headline,
      ...relays.values(r),
    ]
      .map(csvField)
      .join(','),
  );
  // CRLF, as RFC 4180 and spreadsheets expect.
  return `${[[...COLUMNS, ...relays.header].join(','), ...rows].join('\r\n')}\r\n`;
}

/** A run's report as stored, each compared relay with its host and whether it is the one recommended. */
function withRelayHosts(r: Report): Report {
  if (!r.regions) return r;
  const exported = exportedRelays(r.regions);
  const relays = r.regions.relays.map((x, i) => ({
    ...x,
    host: exported[i]?.host,
    recommended: exported[i]?.recommended,
  }));
  return { ...r, regions: { ...r.regions, relays } };
}

export const historyJson = (history: readonly Report[]): string =>
  JSON.stringify(history.map(withRelayHosts), null, 2);

/** e.g. secure-voice-check-history-2026-12-02.csv */
export const historyFileName = (day: string, ext: 'csv' | 'json'): string =>
  `secure-voice-check-history-${day}.${ext}`;
