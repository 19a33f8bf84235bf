import type { CheckResult } from '../checks/types.ts';
import type { RunState } from '../protocol/runtime-messages.ts';
import type { RunStateKeeper } from './run-state-keeper.ts';

/**
 * The run's results with one more: a check's final result takes the place of its partial one (the row the
 * user already sees changes in place); a new check's result goes at the end.
 */
export function withResult(progress: readonly CheckResult[], result: CheckResult): CheckResult[] {
  const at = progress.findIndex((c) => c.id === result.id);
  if (at < 0) return [...progress, result];
  return progress.map((c, i) => (i === at ? result : c));
}

/**
 * Puts a check's result in the run state. A partial one (the WSS socket is open, its pings still running) only
 * shows the user what is measured so far: it is pushed to the open pages and stored with the next change, not
 * on its own, because a storage write at that moment delays the pings whose round trips the report keeps.
 */
export function recordResult(keeper: Pick<RunStateKeeper, 'show' | 'update'>, result: CheckResult): void {
  const change = (s: RunState): RunState => ({ ...s, progress: withResult(s.progress, result) });
  if (result.partial) keeper.show(change);
  else void keeper.update(change);
}
