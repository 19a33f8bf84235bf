import { describe, expect, it, vi } from 'vitest';
import { runChecks } from '../../../src/checks/runner.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { passedCheck as ok } from '../../fakes/report.ts';

describe('runChecks', () => {
  it('turns a crashing check into an error result and still returns the others', async () => {
    const seen: string[] = [];
    const results = await runChecks(
      [
        { id: 'a', title: 'A', run: async () => ok('a') },
        {
          id: 'b',
          title: 'B',
          run: async () => {
            throw new Error('boom');
          },
        },
      ],
      (r) => seen.push(r.id),
      () => performance.now(),
    );
    expect(results.map((r) => r.status)).toEqual(['pass', 'error']);
    expect(results[1]).toMatchObject({ reason: 'check-crashed' });
    expect(results[1]?.summary).toContain('boom');
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('ends a check that never returns at its time limit', async () => {
    vi.useFakeTimers();
    try {
      const pending = runChecks(
        [{ id: 'hang', title: 'Hang', run: () => new Promise<CheckResult>(() => {}) }],
        () => {},
        () => Date.now(),
        1000,
      );
      await vi.advanceTimersByTimeAsync(1001);
      const [r] = await pending;
      expect(r).toMatchObject({ id: 'hang', status: 'error', reason: 'check-timed-out' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('runChecks, partial results', () => {
  it('passes a partial result on marked, then the final one unmarked, and drops a partial after the end', async () => {
    const seen: CheckResult[] = [];
    let late: ((r: CheckResult) => void) | null = null;
    const [final] = await runChecks(
      [
        {
          id: 'a',
          title: 'A',
          run: async (partial) => {
            partial({ ...ok('other-id'), reason: 'so-far' });
            late = partial;
            // A check cannot mark its own final result as partial.
            return { ...ok('a'), partial: true };
          },
        },
      ],
      (r) => seen.push(r),
      () => performance.now(),
    );
    (late as ((r: CheckResult) => void) | null)?.(ok('a'));
    expect(seen.map((r) => [r.id, r.reason, r.partial ?? false])).toEqual([
      ['a', 'so-far', true],
      ['a', 'ok', false],
    ]);
    expect(final).not.toHaveProperty('partial');
  });
});
