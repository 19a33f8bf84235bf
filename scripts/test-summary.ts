/** The closing line of `npm test`, from vitest's JSON report. */

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: Array<{ name?: string; status: string; assertionResults?: unknown[] }>;
}

/**
 * "tests: P passed, F failed, S skipped". A test file that fails to load (an import or a top-level check
 * that throws) has no tests of its own in the report; it counts as one failed test, so the line can never
 * read "0 failed" while a file did not run.
 */
export function summaryLine(j: VitestJson): string {
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  const unloaded = (j.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
  const note = unloaded > 0 ? ` (${unloaded} of them test files that failed to load)` : '';
  return `tests: ${j.numPassedTests} passed, ${j.numFailedTests + unloaded} failed${note}, ${skipped} skipped`;
}
