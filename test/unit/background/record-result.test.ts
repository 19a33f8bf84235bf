/**
 * The WSS row the user sees while the pings run is pushed to the open pages but not stored on its own: a
 * storage write at that moment competes with the pings on the background and lengthens the round trips the
 * report keeps (BENCHMARKS.md, the WSS row at the open socket).
 */
import { describe, expect, it } from 'vitest';
import { createRunStateKeeper } from '../../../src/background/run-state-keeper.ts';
import { recordResult } from '../../../src/background/with-result.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { IDLE } from '../../../src/platform/run-store.ts';
import type { RunState } from '../../../src/protocol/runtime-messages.ts';
import { passedCheck } from '../../fakes/report.ts';

const rows = (s: RunState) => s.progress.map((c) => [c.id, c.reason, c.partial ?? false]);

describe('a partial result: pushed, not stored on its own', () => {
  it('reaches the pages at once, and storage only with the next result', async () => {
    const published: RunState[] = [];
    const stored: RunState[] = [];
    const keeper = createRunStateKeeper({
      load: async () => ({ ...IDLE, status: 'running', runId: 'r1' }),
      save: async (s) => {
        stored.push(s);
      },
      publish: (s) => published.push(s),
      fallback: IDLE,
    });
    const pending: CheckResult = { ...passedCheck('relay-wss'), reason: 'pings-pending', partial: true };
    recordResult(keeper, pending);
    await new Promise((r) => setTimeout(r, 5));
    expect(published.map(rows)).toEqual([[['relay-wss', 'pings-pending', true]]]);
    expect(stored).toEqual([]);

    recordResult(keeper, passedCheck('relay-https'));
    recordResult(keeper, passedCheck('relay-wss'));
    await keeper.afterStores(async () => undefined);
    // The final result takes the partial row's place; what is stored is what the pages were shown.
    expect(stored.map(rows)).toEqual([
      [
        ['relay-wss', 'pings-pending', true],
        ['relay-https', 'ok', false],
      ],
      [
        ['relay-wss', 'ok', false],
        ['relay-https', 'ok', false],
      ],
    ]);
    expect(published.map(rows).slice(1)).toEqual(stored.map(rows));
  });
});
