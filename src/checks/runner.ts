/**
 * Runs a plan of checks concurrently. `onResult` gets each check's final result, and before it any partial
 * result the check reports (marked `partial: true`); a partial that comes after the final one is dropped. The runner is the one place that turns a thrown exception into an
 * 'error' result and that puts an overall time limit on each check, so one broken check never takes the run
 * down or keeps it waiting. A check past its limit is also told to stop (its signal is aborted), so its
 * sockets and peer connections are closed rather than left running after the run ended.
 */
import { msg } from '../messages/catalog.ts';
import { TIMEOUTS } from './timeouts.ts';
import type { CheckResult } from './types.ts';
import { summaryOf } from './words.ts';

/** What a check has established before it ends (e.g. the WebSocket is open, pings still to come). */
export type ReportPartial = (result: CheckResult) => void;

export interface PlannedCheck extends Pick<CheckResult, 'id' | 'title' | 'titleMessage'> {
  /**
   * `partial` shows the user what is already measured; the promise's result replaces it. `signal` is aborted
   * when the runner stops waiting for the check (its time limit).
   */
  run: (partial: ReportPartial, signal: AbortSignal) => Promise<CheckResult>;
  /** Overrides the runner's default limit for checks that legitimately take longer (the media loopback). */
  limitMs?: number;
}

export async function runChecks(
  plan: readonly PlannedCheck[],
  onResult: (result: CheckResult) => void,
  now: () => number,
  limitMs: number = TIMEOUTS.checkMs,
): Promise<CheckResult[]> {
  return Promise.all(
    plan.map(async (check) => {
      const started = now();
      let ended = false;
      const partial: ReportPartial = (r) => {
        if (!ended) onResult({ ...r, id: check.id, partial: true });
      };
      const result = await guarded(check, partial, check.limitMs ?? limitMs, () =>
        Math.round(now() - started),
      );
      ended = true;
      const { partial: _, ...final } = result;
      onResult(final);
      return final;
    }),
  );
}

/** Why a check's signal was aborted: its time limit passed. */
export class CheckTimedOut extends Error {
  readonly limitMs: number;
  constructor(limitMs: number) {
    super(`the check ran past its time limit of ${limitMs} ms`);
    this.name = 'CheckTimedOut';
    this.limitMs = limitMs;
  }
}

async function guarded(
  check: PlannedCheck,
  partial: ReportPartial,
  limitMs: number,
  elapsed: () => number,
): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = new AbortController();
  const base = { id: check.id, title: check.title, titleMessage: check.titleMessage };
  const name = check.titleMessage ?? check.title;
  const limit = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      resolve({
        ...base,
        status: 'error',
        reason: 'check-timed-out',
        ...summaryOf(msg('sum_check_timed_out', name, Math.round(limitMs / 1000))),
        durationMs: elapsed(),
        data: {},
      });
      stop.abort(new CheckTimedOut(limitMs));
    }, limitMs);
  });
  try {
    return await Promise.race([check.run(partial, stop.signal), limit]);
  } catch (err) {
    const error = String(err instanceof Error ? err.message : err).slice(0, 200);
    return {
      ...base,
      status: 'error',
      reason: 'check-crashed',
      ...summaryOf(msg('sum_check_crashed', name, error)),
      durationMs: elapsed(),
      data: {},
    };
  } finally {
    clearTimeout(timer);
  }
}
