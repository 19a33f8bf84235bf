/** Small display helpers shared by the pages. */
import type { CheckStatus } from '../checks/types.ts';
import type { Verdict } from '../protocol/report.ts';

export const STATUS_LABEL: Record<CheckStatus, { icon: string; word: string }> = {
  pass: { icon: '✓', word: 'Pass' },
  warn: { icon: '!', word: 'Warning' },
  fail: { icon: '✕', word: 'Fail' },
  skip: { icon: '–', word: 'Skipped' },
  error: { icon: '?', word: 'Error' },
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  ready: 'Ready',
  degraded: 'Degraded',
  blocked: 'Blocked',
  error: 'Could not finish',
};

export function ageOf(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

/** Evidence values as short text; objects are flattened one level, anything deeper is shown as JSON. */
export function evidenceRows(data: Record<string, unknown>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(data)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>))
        rows.push([`${k}.${k2}`, shortValue(v2)]);
    } else rows.push([k, shortValue(v)]);
  }
  return rows;
}

function shortValue(v: unknown): string {
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.join(', ');
  // String() would print "[object Object]".
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** 'YYYY-MM-DD' of an ISO time, for file names; the raw prefix when the time does not parse. */
export function isoDay(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : new Date(t).toISOString().slice(0, 10);
}
