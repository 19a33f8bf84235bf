/**
 * The history as files a user can keep or put in a spreadsheet: JSON (the reports as stored) and CSV (one row a
 * run, the figures a chart shows). Pure; the report page downloads what these return.
 */
import type { Report } from '../protocol/report.ts';

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
    ]
      .map(csvField)
      .join(','),
  );
  // CRLF, as RFC 4180 and spreadsheets expect.
  return `${[COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

export const historyJson = (history: readonly Report[]): string => JSON.stringify(history, null, 2);

/** e.g. secure-voice-check-history-2026-12-02.csv */
export const historyFileName = (day: string, ext: 'csv' | 'json'): string =>
  `secure-voice-check-history-${day}.${ext}`;
