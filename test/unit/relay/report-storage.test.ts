/**
 * What a shared report costs the relay's storage (issue 10, item 2): stored no larger than it was sent, the
 * headline not kept twice in full, a daily allowance per client address and a cap on all stored bytes,
 * each refused with its own error and nothing half-stored. And the sign-in limits per user name, per address and over all (items 6 and 7).
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { LISTED_HEADLINE_CHARS } from '../../../src/relay/storage/report-store.ts';
import { report } from '../../fakes/report.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { upload } from './https-call.ts';
import { expectQuotaHoldsInParallel, THREE_A_DAY } from './parallel-uploads.ts';

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
    // When the first of today's reports leaves the 24 hours: a day after the first upload, not a fixed hour.
    expect(Number(r.headers['retry-after'])).toBe(DAY / 1000);
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

/** A sign-in to `relay` from one loopback address of 127.0.0.0/8 (each counts as another client). */
const signInFrom = (relay: TestRelay, localAddress: string, user: string, token: string) =>
  new Promise<number>((resolve, reject) => {
    const body = new URLSearchParams({ user, token }).toString();
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

/** `count` support users user0..; user<i>'s token is user<i>-token-0123456789. */
const users = (count: number) =>
  parseSupportTokens(Array.from({ length: count }, (_, i) => `user${i}:user${i}-token-0123456789`).join(','));

describe('uploads once no report fits', () => {
  /** An upload from one loopback address of 127.0.0.0/8 (each counts as another client). */
  const uploadFrom = (relay: TestRelay, localAddress: string, text: string) =>
    new Promise<{ status: number; error: unknown }>((resolve, reject) => {
      const req = request(
        `${relay.url}/api/reports`,
        {
          method: 'POST',
          ca: relay.tls.cert,
          localAddress,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
        },
        (res) => {
          let got = '';
          res.on('data', (c) => {
            got += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, error: JSON.parse(got).error }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });

  it('refuses them before the body is parsed: quota-exceeded for a client at its quota, storage-full for anyone when full', async () => {
    const one = Buffer.byteLength(JSON.stringify(report()));
    // Room for two reports per address (plus less than the smallest report), three in all.
    const relay = await startTestRelay({
      share: {
        supportTokens: [],
        now: () => NOW,
        uploadsPerMinute: 1000,
        quotas: { clientBytesPerDay: 2 * one + 100, maxStoredBytes: 3 * one + 100 },
      },
    });
    try {
      const valid = JSON.stringify({ report: report(), redaction: 'default' });
      for (let i = 0; i < 2; i++) expect((await uploadFrom(relay, '127.0.0.2', valid)).status).toBe(201);
      // Not even JSON: what a client at its quota sends is not read any further.
      expect(await uploadFrom(relay, '127.0.0.2', '{"report":')).toEqual({
        status: 429,
        error: 'quota-exceeded',
      });
      expect((await uploadFrom(relay, '127.0.0.3', valid)).status).toBe(201);
      expect(await uploadFrom(relay, '127.0.0.4', '{"report":')).toEqual({
        status: 507,
        error: 'storage-full',
      });
    } finally {
      await relay.stop();
    }
  });
});

describe('report quotas under parallel uploads (SQLite)', () => {
  it('stores no more than the per-client quota allows', async () => {
    const relay = await startTestRelay({
      share: { supportTokens: [], now: () => NOW, uploadsPerMinute: 1000, quotas: THREE_A_DAY },
    });
    try {
      await expectQuotaHoldsInParallel(relay, NOW);
    } finally {
      await relay.stop();
    }
  });
});

describe('sign-in limits per user name (1 wrong token a minute)', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    // A stopped clock: the limits' buckets do not refill while the test runs, however slowly.
    relay = await startTestRelay({ share: { supportTokens: users(2), signInsPerMinute: 1, now: () => NOW } });
  });
  afterAll(() => relay.stop());

  it("one address guessing at one user's token locks out neither another user at that address nor that user elsewhere", async () => {
    expect(await signInFrom(relay, '127.0.0.2', 'user1', 'wrong-token-0123456789')).toBe(401);
    expect(await signInFrom(relay, '127.0.0.2', 'user1', 'wrong-token-0123456789')).toBe(429);
    // Same address, another name: its own count.
    expect(await signInFrom(relay, '127.0.0.2', 'user0', 'user0-token-0123456789')).toBe(303);
    // The one guessed at, from another address: one guesser cannot use up a name's allowance.
    expect(await signInFrom(relay, '127.0.0.3', 'user1', 'user1-token-0123456789')).toBe(303);
  });

  it('many addresses guessing at one user lock it out only where it has not signed in before', async () => {
    const answers: number[] = [];
    for (let i = 10; i < 16; i++)
      answers.push(await signInFrom(relay, `127.0.0.${i}`, 'user1', `wrong-${i}-token-0123456789`));
    // Four wrong tokens a minute for this name over all addresses (one used above); then 429.
    expect(answers).toEqual([401, 401, 401, 429, 429, 429]);
    // Where user1 signed in before, the right token still works, however many addresses guess...
    expect(await signInFrom(relay, '127.0.0.3', 'user1', 'user1-token-0123456789')).toBe(303);
    // ...and at a new address it waits (it cannot be told from a guesser there).
    expect(await signInFrom(relay, '127.0.0.16', 'user1', 'user1-token-0123456789')).toBe(429);
  });
});

describe('sign-in limits over all names and addresses', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      share: { supportTokens: users(14), signInsPerMinute: 1, now: () => NOW },
    });
  });
  afterAll(() => relay.stop());

  it('bounds wrong tokens over all addresses and names (12 a minute with 1 per name), known places exempt', async () => {
    expect(await signInFrom(relay, '127.0.0.2', 'user13', 'user13-token-0123456789')).toBe(303);
    const answers: number[] = [];
    // A different name from each address: no name or address reaches its own limit.
    for (let i = 0; i < 13; i++)
      answers.push(await signInFrom(relay, `127.0.0.${20 + i}`, `user${i}`, 'wrong-token-0123456789'));
    expect(answers.slice(0, 12)).toEqual(Array(12).fill(401));
    expect(answers[12]).toBe(429);
    // The ceiling holds for new places; a user at the address it signed in from before still gets in.
    expect(await signInFrom(relay, '127.0.0.40', 'user13', 'user13-token-0123456789')).toBe(429);
    expect(await signInFrom(relay, '127.0.0.2', 'user13', 'user13-token-0123456789')).toBe(303);
  });
});
