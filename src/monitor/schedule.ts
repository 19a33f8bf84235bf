/**
 * Monitor mode's decisions, pure so each is unit-tested: when the next scheduled check is due, and whether a
 * finished check is worse than the one before it on the same network (which is what earns a notification).
 */
import type { Report, Verdict } from '../protocol/report.ts';

/**
 * Each wait is the interval ± this fraction, so a fleet of browsers turned on by one policy does not check
 * against the relay in the same minute.
 */
export const JITTER = 0.2;

/** When the next check is due (ms since the epoch), `interval` ± JITTER from `now`; `random` is in [0, 1). */
export function nextCheckAt(now: number, intervalMs: number, random: number): number {
  const spread = (random * 2 - 1) * JITTER;
  return Math.round(now + intervalMs * (1 + spread));
}

/**
 * How bad a verdict is for a phone system. A check that could not finish (error) is as bad as blocked: either
 * way the user cannot tell that calls will work.
 */
const RANK: Record<Verdict, number> = { ready: 0, degraded: 1, blocked: 2, error: 2 };

export const isWorse = (before: Verdict, after: Verdict): boolean => RANK[after] > RANK[before];

/**
 * Which network a report was taken on: the public address the relay saw the browser come from (the HTTPS
 * check's clientAddress). null when the relay was not reached, which is often the very change to report.
 */
export function networkOf(report: Report): string | null {
  const https = report.checks.find((c) => c.id === 'relay-https');
  const data = https?.data as { clientAddress?: unknown } | undefined;
  return typeof data?.clientAddress === 'string' && data.clientAddress !== '' ? data.clientAddress : null;
}

/**
 * Whether two reports may be compared. Only a positive difference (both addresses known and not equal: the
 * laptop moved from the office to a hotel) rules a comparison out; a check that could not reach the relay
 * has no address, and a relay that stopped answering is exactly what the user should hear about.
 */
export function sameNetwork(a: Report, b: Report): boolean {
  const na = networkOf(a);
  const nb = networkOf(b);
  return na === null || nb === null || na === nb;
}

/**
 * The report a new one is compared with: the newest earlier one (by start time) from the same network, among
 * the history (newest first, which may already hold `report` itself).
 */
export function previousOnSameNetwork(history: readonly Report[], report: Report): Report | null {
  return (
    history.find(
      (r) => r.runId !== report.runId && r.startedAt < report.startedAt && sameNetwork(r, report),
    ) ?? null
  );
}

/** The earlier report when `report` is worse than it (so the user is told), else null. */
export function worsenedSince(history: readonly Report[], report: Report): Report | null {
  const before = previousOnSameNetwork(history, report);
  return before && isWorse(before.verdict, report.verdict) ? before : null;
}
