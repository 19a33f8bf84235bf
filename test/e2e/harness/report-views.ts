/** What a user reads off a report's port matrix, as end-to-end tests assert it in either browser. */
import type { Report } from '../../../src/protocol/report.ts';

/** Every probed port that is neither open nor untestable, as `transport:port:status`, sorted. */
export const notOpen = (r: Report): string[] =>
  r.ports
    .filter((p) => p.status !== 'open' && p.status !== 'not-testable')
    .map((p) => `${p.transport}:${p.port}:${p.status}`)
    .sort();

/** The port-matrix check of a report. */
export const matrix = (r: Report) => r.checks.find((c) => c.id === 'port-matrix');
