/**
 * Runs a plan of checks concurrently. The runner is the one place that turns a thrown exception into an
 * 'error' result and that puts an overall time limit on each check, so one broken check never takes the run
 * down or keeps it waiting.
 */
import { TIMEOUTS } from './timeouts.ts';
import type { CheckResult } from './types.ts';

export interface PlannedCheck {
  id: string;
  title: string;
  run: () => Promise<CheckResult>;
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
      const result = await guarded(check, check.limitMs ?? limitMs, () => Math.round(now() - started));
      onResult(result);
      return result;
    }),
  );
}

async function guarded(check: PlannedCheck, limitMs: number, elapsed: () => number): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          id: check.id,
          title: check.title,
          status: 'error',
          reason: 'check-timed-out',
          summary: `${check.title} did not finish within ${Math.round(limitMs / 1000)} s. Run the check again; if it repeats, report it.`,
          durationMs: elapsed(),
          data: {},
        }),
      limitMs,
    );
  });
  try {
    return await Promise.race([check.run(), limit]);
  } catch (err) {
    return {
      id: check.id,
      title: check.title,
      status: 'error',
      reason: 'check-crashed',
      summary: `${check.title} stopped with an internal error: ${String(err instanceof Error ? err.message : err).slice(0, 200)}`,
      durationMs: elapsed(),
      data: {},
    };
  } finally {
    clearTimeout(timer);
  }
}
