import type { CheckResult } from '../checks/types.ts';

/**
 * The run's results with one more: a check's final result takes the place of its partial one (the row the
 * user already sees changes in place); a new check's result goes at the end.
 */
export function withResult(progress: readonly CheckResult[], result: CheckResult): CheckResult[] {
  const at = progress.findIndex((c) => c.id === result.id);
  if (at < 0) return [...progress, result];
  return progress.map((c, i) => (i === at ? result : c));
}
