/**
 * The last finished (or interrupted) reports, newest first, in storage.local (reports can be tens of kB,
 * too big for storage.sync). Entries are validated on every read: one written by an older version or
 * damaged in storage is dropped rather than breaking the report page.
 */
import * as v from 'valibot';
import { type Report, ReportSchema } from '../protocol/report.ts';
import { onLocalKeyChange, type StorageArea, type StorageEvents } from './storage-area.ts';

export const HISTORY_KEY = 'history';
export const HISTORY_LIMIT = 20;

/** The valid reports of a stored value, in stored order; anything that is not a list gives none. */
export function parseHistory(raw: unknown): Report[] {
  if (!Array.isArray(raw)) return [];
  const out: Report[] = [];
  for (const entry of raw) {
    const parsed = v.safeParse(ReportSchema, entry);
    if (parsed.success) out.push(parsed.output);
  }
  return out;
}

/** `report` first, then the older ones; a report with the same run id is replaced, not repeated. */
export function withReport(history: readonly Report[], report: Report, limit = HISTORY_LIMIT): Report[] {
  return [report, ...history.filter((r) => r.runId !== report.runId)].slice(0, limit);
}

export async function loadHistory(area: StorageArea): Promise<Report[]> {
  return parseHistory((await area.get(HISTORY_KEY))[HISTORY_KEY]);
}

/**
 * Read, add, write. Not atomic: callers serialise their writes (the run manager chains them with its run
 * state writes, and it is the only writer).
 */
export async function appendToHistory(area: StorageArea, report: Report): Promise<Report[]> {
  const next = withReport(await loadHistory(area), report);
  await area.set({ [HISTORY_KEY]: next });
  return next;
}

export function onHistoryChange(events: StorageEvents, listener: (history: Report[]) => void): () => void {
  return onLocalKeyChange(events, HISTORY_KEY, (raw) => listener(parseHistory(raw)));
}
