/**
 * Uploads sent all at once to a relay whose per-client quota fits three reports: the quota must hold
 * however the requests interleave (issue 10: two parallel uploads both passed the check).
 */
import { expect } from 'vitest';
import { report } from '../../fakes/report.ts';
import type { TestRelay } from '../../helpers/in-process-relay.ts';
import { upload } from './https-call.ts';

/** Bytes one fake report is stored as. */
export const ONE_REPORT = Buffer.byteLength(JSON.stringify(report()));

/** The quotas `expectQuotaHoldsInParallel` needs its relay to run with. */
export const THREE_A_DAY = { clientBytesPerDay: 3 * ONE_REPORT, maxStoredBytes: 1000 * ONE_REPORT };

export async function expectQuotaHoldsInParallel(relay: TestRelay, now: number): Promise<void> {
  const answers = await Promise.all(
    Array.from({ length: 12 }, () => upload(relay, { report: report(), redaction: 'default' })),
  );
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([...Array(3).fill(201), ...Array(9).fill(429)]);
  expect(await relay.store?.storedBytes(now)).toBe(3 * ONE_REPORT);
  for (const a of answers.filter((a) => a.status === 429)) {
    expect(a.json()).toMatchObject({ error: 'quota-exceeded' });
    // The first of the three leaves the 24-hour window in a day (the test's clock stands still).
    expect(Number(a.headers['retry-after'])).toBe(24 * 3600);
  }
}
