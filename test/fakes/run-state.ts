import type { Report } from '../../src/protocol/report.ts';
import type { RunState } from '../../src/protocol/runtime-messages.ts';

/** The run state with no check going, `last` the latest report (null before the first). */
export const idleState = (last: Report | null): RunState => ({
  status: 'idle',
  runId: null,
  startedAt: null,
  progress: [],
  last,
});
