/**
 * What a shared report costs the relay's storage (issue 10, item 2): stored no larger than it was sent, the
 * headline not kept twice in full, a daily allowance per client address and a cap on all stored bytes,
 * each refused with its own error and nothing half-stored. And the sign-in limit over all addresses (item 7).
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { LISTED_HEADLINE_CHARS } from '../../../src/relay/storage/report-store.ts';
import { report } from '../../fakes/report.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { upload } from './https-call.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const DAY = 24 * 3600 * 1000;
const body = (over: object = {}) => JSON.stringify({ report: report(over), redaction: 'default' }, null, 2);
const storedBytes = (relay: TestRelay) => relay.store?.storedBytes(NOW) ?? Promise.resolve(-1);

describe('report storage', () => {
  let clock = NOW;
  let relay: TestRelay;
  const one = Buffer.byteLength(JSON.stringify(report()));
  beforeAll(async () => {
    relay = await startTestRelay({
      share: {
        supportTokens: [],
        now: () => clock,
        uploadsPerMinute: 1000,
        // Three reports a day per address; five in all.
        quotas: { clientBytesPerDay: 3 * one + 2000, maxStoredBytes: 5 * one + 2000 },
      },
    });
  });
  afterAll(() => relay.stop());

  it('stores no more than was sent, and keeps only a short copy of the headline for the list', async () => {
    const long = 'H'.repeat(1500);
    const sent = body({ headline: long });
    const r = await upload(relay, sent);
    expect(r.status).toBe(201);
    const stored = await storedBytes(relay);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(Buffer.byteLength(sent));
    const [listed] = (await relay.store?.recent(10, NOW)) ?? [];
    expect(listed?.headline).toBe(long.slice(0, LISTED_HEADLINE_CHARS));
    const full = await relay.store?.getByCode((r.json() as { code: string }).code, NOW);
    expect(full?.report.headline).toBe(long);
  });

  it('refuses numbers that would grow when stored (1e20 is written back as 21 digits)', async () => {
    const before = await storedBytes(relay);
    const check = report().checks[0];
    const inflating = JSON.stringify({
      report: report({ checks: [{ ...check, data: { n: Array(2000).fill(0) } }] as never }),
      redaction: 'default',
    }).replace(/"n":\[[0,]+\]/, `"n":[${Array(2000).fill('1e20').join(',')}]`);
    const r = await upload(relay, inflating);
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'bad-report', path: 'report' });
    expect(await storedBytes(relay)).toBe(before);
  });

  it('refuses a client over its daily allowance with quota-exceeded, storing nothing, until a day has passed', async () => {
    // One stored by the first test; two more fit.
    for (let i = 0; i < 2; i++) expect((await upload(relay, body())).status).toBe(201);
    const before = await storedBytes(relay);
    const r = await upload(relay, body());
    expect(r.status).toBe(429);
    expect(r.json()).toMatchObject({ error: 'quota-exceeded' });
    expect(r.headers['retry-after']).toBeDefined();
    expect(await storedBytes(relay)).toBe(before);
    clock = NOW + DAY + 1;
    expect((await upload(relay, body())).status).toBe(201);
  });

  it('refuses any upload once the relay holds its cap of stored bytes, with storage-full', async () => {
    clock = NOW + 2 * DAY + 2;
    // Four are stored and live; the fifth fits, the sixth does not.
    expect((await upload(relay, body())).status).toBe(201);
    const r = await upload(relay, body());
    expect(r.status).toBe(507);
    expect(r.json()).toMatchObject({ error: 'storage-full' });
  });
});

describe('sign-in limits', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      share: { supportTokens: parseSupportTokens('alice:alice-token-0123456789'), signInsPerMinute: 1 },
    });
  });
  afterAll(() => relay.stop());

  /** A sign-in from one loopback address of 127.0.0.0/8 (each counts as another client). */
  const signInFrom = (localAddress: string, token: string) =>
    new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams({ token }).toString();
      const req = request(
        `${relay.url}/console/login`,
        {
          method: 'POST',
          ca: relay.tls.cert,
          localAddress,
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('bounds wrong tokens over all addresses, not only per address (12 a minute with 1 per address)', async () => {
    const answers: number[] = [];
    for (let i = 2; i < 15; i++) answers.push(await signInFrom(`127.0.0.${i}`, 'wrong-token-0123456789'));
    expect(answers.slice(0, 12)).toEqual(Array(12).fill(401));
    expect(answers[12]).toBe(429);
  });
});
