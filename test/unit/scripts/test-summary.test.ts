import { describe, expect, it } from 'vitest';
import { summaryLine } from '../../../scripts/test-summary.ts';

describe('npm test summary line', () => {
  it('counts a test file that failed to load as failed', () => {
    // The shape vitest 5 writes for a file whose import threw (numFailedTests stays 0).
    expect(
      summaryLine({
        numPassedTests: 769,
        numFailedTests: 0,
        numPendingTests: 17,
        testResults: [
          { name: 'a.e2e.ts', status: 'failed', assertionResults: [] },
          { name: 'b.e2e.ts', status: 'failed', assertionResults: [] },
          { name: 'c.e2e.ts', status: 'passed', assertionResults: [{}] },
        ],
      }),
    ).toBe('tests: 769 passed, 2 failed (2 of them test files that failed to load), 17 skipped');
  });

  it('adds failed tests and load failures, and todo to skipped', () => {
    expect(
      summaryLine({
        numPassedTests: 3,
        numFailedTests: 1,
        numTodoTests: 2,
        testResults: [
          { status: 'failed', assertionResults: [{}, {}] },
          { status: 'failed', assertionResults: [] },
        ],
      }),
    ).toBe('tests: 3 passed, 2 failed (1 of them test files that failed to load), 2 skipped');
    expect(summaryLine({ numPassedTests: 5, numFailedTests: 0, testResults: [] })).toBe(
      'tests: 5 passed, 0 failed, 0 skipped',
    );
  });
});
