/**
 * What every ReportStore must do, as one suite run against each implementation (SQLite and a real
 * PostgreSQL server). Each test gets a fresh, empty database from `fresh`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportStore, StoredReport } from '../../../src/relay/storage/report-store.ts';
import { report } from '../../fakes/report.ts';

export interface FreshDatabase {
  /** Opens a store on this database (migrating it); may be called more than once. */
  open(): Promise<ReportStore>;
  /** Runs SQL directly on the database, bypassing the store. */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const DAY = 24 * 3600 * 1000;

export function stored(over: Partial<StoredReport> = {}): StoredReport {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    code: 'ABCDEFGH',
    report: report(),
    redaction: 'default',
    createdAt: T0,
    expiresAt: T0 + 30 * DAY,
    clientHash: 'c'.repeat(32),
    ...over,
  };
}

export function reportStoreContract(fresh: () => Promise<FreshDatabase>): void {
  let db: FreshDatabase | null = null;
  const opened: ReportStore[] = [];
  const open = async (): Promise<ReportStore> => {
    db ??= await fresh();
    const s = await db.open();
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await db?.drop();
    db = null;
  });

  describe('reports', () => {
    it('stores a report and finds it by id and by code, unchanged', async () => {
      const store = await open();
      const r = stored({
        report: report({ headline: 'Ünïcode & <markup> "quotes"' }),
        redaction: 'full-addresses',
      });
      expect(await store.put(r)).toBe('stored');
      expect(await store.getById(r.id, T0)).toEqual(r);
      expect(await store.getByCode(r.code, T0)).toEqual(r);
    });

    it('counts the bytes of live reports, in all and per client since a time', async () => {
      const store = await open();
      const a = stored({ report: report({ headline: 'Ünïcode' }) });
      const bytes = Buffer.byteLength(JSON.stringify(a.report));
      expect(await store.storedBytes(T0)).toBe(0);
      await store.put(a);
      await store.put(
        stored({
          id: 'BBBBBBBBBBBBBBBBBBBBBB',
          code: 'BCDEFGHJ',
          clientHash: 'd'.repeat(32),
          createdAt: T0 + 5,
        }),
      );
      const other = Buffer.byteLength(JSON.stringify(report()));
      expect(await store.storedBytes(T0 + 10)).toBe(bytes + other);
      expect(await store.storedBytes(T0 + 10, { clientHash: 'c'.repeat(32), since: T0 })).toBe(bytes);
      expect(await store.storedBytes(T0 + 10, { clientHash: 'c'.repeat(32), since: T0 + 1 })).toBe(0);
      // Expired reports no longer count.
      expect(await store.storedBytes(T0 + 30 * DAY)).toBe(0);
    });

    it('stores within the quotas only, all or nothing, also when asked in parallel', async () => {
      const store = await open();
      const one = Buffer.byteLength(JSON.stringify(report()));
      const quotas = { clientBytesPerDay: 3 * one, maxStoredBytes: 100 * one };
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.putWithinQuota(stored({ id: `par${i}`.padEnd(22, '_'), code: `PARA${i + 2}XYZ` }), quotas),
        ),
      );
      expect(results.filter((r) => r === 'stored')).toHaveLength(3);
      expect(results.filter((r) => typeof r === 'object' && r.refused === 'quota-exceeded')).toHaveLength(5);
      expect(await store.storedBytes(T0)).toBe(3 * one);
      // Another client still fits under the relay's cap; then the cap refuses anyone.
      const other = { clientHash: 'd'.repeat(32), createdAt: T0 + 1 };
      expect(
        await store.putWithinQuota(stored({ ...other, id: 'other'.padEnd(22, '_'), code: 'OTHR2XYZ' }), {
          ...quotas,
          maxStoredBytes: 4 * one,
        }),
      ).toBe('stored');
      expect(
        await store.putWithinQuota(stored({ ...other, id: 'full'.padEnd(22, '_'), code: 'FULL2XYZ' }), {
          ...quotas,
          maxStoredBytes: 4 * one,
        }),
      ).toMatchObject({ refused: 'storage-full', heldBytes: 4 * one });
      // A taken code is reported as before, nothing stored.
      expect(
        await store.putWithinQuota(stored({ ...other, id: 'dup'.padEnd(22, '_'), code: 'OTHR2XYZ' }), {
          clientBytesPerDay: 100 * one,
          maxStoredBytes: 100 * one,
        }),
      ).toBe('code-taken');
    });

    it('says when enough frees: a day after a client report, or when reports expire', async () => {
      const store = await open();
      const one = Buffer.byteLength(JSON.stringify(report()));
      const at = (i: number, expiresAt: number) =>
        stored({ id: `q${i}`.padEnd(22, '_'), code: `QUOT${i + 2}XYZ`, createdAt: T0 + i * 1000, expiresAt });
      const quotas = { clientBytesPerDay: 2 * one, maxStoredBytes: 100 * one };
      expect(await store.putWithinQuota(at(0, T0 + 30 * DAY), quotas)).toBe('stored');
      // This one expires in an hour: it frees before the first leaves the 24 hours.
      expect(await store.putWithinQuota(at(1, T0 + 3600_000), quotas)).toBe('stored');
      expect(await store.putWithinQuota(at(2, T0 + 30 * DAY), quotas)).toEqual({
        refused: 'quota-exceeded',
        heldBytes: 2 * one,
        freesAt: T0 + 3600_000,
      });
      // Two more bytes than one report must free: the second report to free is the day-old first.
      expect(
        await store.putWithinQuota(at(3, T0 + 30 * DAY), { ...quotas, clientBytesPerDay: one + 2 }),
      ).toMatchObject({ refused: 'quota-exceeded', freesAt: T0 + DAY });
      // The relay's cap frees as reports expire, soonest first.
      expect(
        await store.putWithinQuota(
          stored({
            id: 'x'.padEnd(22, '_'),
            code: 'XXXX2XYZ',
            clientHash: 'e'.repeat(32),
            createdAt: T0 + 5000,
          }),
          {
            clientBytesPerDay: 100 * one,
            maxStoredBytes: 2 * one,
          },
        ),
      ).toEqual({ refused: 'storage-full', heldBytes: 2 * one, freesAt: T0 + 3600_000 });
      // A report larger than the quota itself never fits: no time is given.
      expect(
        await store.putWithinQuota(at(4, T0 + 30 * DAY), { ...quotas, clientBytesPerDay: one - 1 }),
      ).toMatchObject({
        refused: 'quota-exceeded',
        freesAt: null,
      });
    });

    it('finds nothing for an unknown id or code', async () => {
      const store = await open();
      await store.put(stored());
      expect(await store.getById('BBBBBBBBBBBBBBBBBBBBBB', T0)).toBeNull();
      expect(await store.getByCode('ZZZZZZZZ', T0)).toBeNull();
    });

    it('refuses a code that is taken and keeps the first report', async () => {
      const store = await open();
      expect(await store.put(stored())).toBe('stored');
      expect(
        await store.put(stored({ id: 'BBBBBBBBBBBBBBBBBBBBBB', report: report({ headline: 'second' }) })),
      ).toBe('code-taken');
      expect((await store.getByCode('ABCDEFGH', T0))?.id).toBe('AAAAAAAAAAAAAAAAAAAAAA');
      expect(await store.getById('BBBBBBBBBBBBBBBBBBBBBB', T0)).toBeNull();
    });

    it('never returns an expired report, even before the sweep', async () => {
      const store = await open();
      const r = stored({ expiresAt: T0 + DAY });
      await store.put(r);
      expect(await store.getByCode(r.code, T0 + DAY - 1)).not.toBeNull();
      expect(await store.getByCode(r.code, T0 + DAY)).toBeNull();
      expect(await store.getById(r.id, T0 + DAY)).toBeNull();
      expect(await store.recent(10, T0 + DAY)).toEqual([]);
    });

    it('deletes expired reports and only those', async () => {
      const store = await open();
      await store.put(stored({ id: 'old___________________', code: 'WXYZ2345', expiresAt: T0 + DAY }));
      await store.put(stored({ id: 'new___________________', code: 'NEWC3456', expiresAt: T0 + 3 * DAY }));
      expect(await store.deleteExpired(T0 + 2 * DAY)).toBe(1);
      // Gone for good: not even a clock from before its expiry finds it.
      expect(await store.getById('old___________________', T0)).toBeNull();
      expect(await store.getById('new___________________', T0)).not.toBeNull();
      expect(await store.deleteExpired(T0 + 2 * DAY)).toBe(0);
    });

    it('frees an expired code once it is swept', async () => {
      const store = await open();
      await store.put(stored({ expiresAt: T0 + DAY }));
      await store.deleteExpired(T0 + DAY);
      expect(
        await store.put(
          stored({ id: 'BBBBBBBBBBBBBBBBBBBBBB', createdAt: T0 + DAY, expiresAt: T0 + 9 * DAY }),
        ),
      ).toBe('stored');
    });

    it('lists live reports newest first, up to the limit', async () => {
      const store = await open();
      for (let i = 0; i < 5; i++) {
        await store.put(
          stored({
            id: `id${i}`.padEnd(22, '_'),
            code: `CQDE${i + 2}XYZ`,
            createdAt: T0 + i * 1000,
            expiresAt: i === 4 ? T0 + 10_000 : T0 + DAY,
            report: report({ verdict: i % 2 ? 'blocked' : 'ready', headline: `run ${i}` }),
          }),
        );
      }
      const recent = await store.recent(3, T0 + 20_000);
      expect(recent.map((r) => r.headline)).toEqual(['run 3', 'run 2', 'run 1']);
      expect(recent[0]).toEqual({
        id: 'id3'.padEnd(22, '_'),
        code: 'CQDE5XYZ',
        verdict: 'blocked',
        headline: 'run 3',
        redaction: 'default',
        createdAt: T0 + 3000,
        expiresAt: T0 + DAY,
      });
    });
  });

  describe('views, sessions, salt, migrations', () => {
    it('logs views per report, oldest first', async () => {
      const store = await open();
      await store.logView({ supportUser: 'alice', reportId: 'r1', at: T0 + 2 });
      await store.logView({ supportUser: 'bob', reportId: 'r1', at: T0 + 5 });
      await store.logView({ supportUser: 'alice', reportId: 'r2', at: T0 + 3 });
      expect(await store.views('r1')).toEqual([
        { supportUser: 'alice', reportId: 'r1', at: T0 + 2 },
        { supportUser: 'bob', reportId: 'r1', at: T0 + 5 },
      ]);
      expect(await store.views('nope')).toEqual([]);
    });

    it('keeps console sessions until they expire or are deleted', async () => {
      const store = await open();
      await store.putSession({ sidHash: 'h1', supportUser: 'alice', expiresAt: T0 + 1000, tokenFp: 'ab' });
      await store.putSession({ sidHash: 'h2', supportUser: 'bob', expiresAt: T0 + 1000, tokenFp: 'cd' });
      expect(await store.getSession('h1', T0)).toEqual({
        sidHash: 'h1',
        supportUser: 'alice',
        expiresAt: T0 + 1000,
        tokenFp: 'ab',
      });
      expect(await store.getSession('h1', T0 + 1000)).toBeNull();
      await store.deleteSession('h2');
      expect(await store.getSession('h2', T0)).toBeNull();
      await store.deleteExpired(T0 + 1000);
      expect(await store.getSession('h1', T0)).toBeNull();
    });

    it('ends every session of one support user, and only theirs', async () => {
      const store = await open();
      for (const [sidHash, supportUser] of [
        ['a1', 'alice'],
        ['a2', 'alice'],
        ['b1', 'bob'],
      ] as const) {
        await store.putSession({ sidHash, supportUser, expiresAt: T0 + 1000, tokenFp: 'ff' });
      }
      expect(await store.deleteUserSessions('alice')).toBe(2);
      expect(await store.getSession('a1', T0)).toBeNull();
      expect(await store.getSession('b1', T0)).not.toBeNull();
    });

    it('makes one install salt and keeps it', async () => {
      const store = await open();
      const salt = await store.installSalt();
      expect(salt).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.installSalt()).toBe(salt);
      const again = await open();
      expect(await again.installSalt()).toBe(salt);
    });

    it('migrates once: reopening (also two at once) keeps the data', async () => {
      const first = await open();
      await first.put(stored());
      const [a, b] = await Promise.all([open(), open()]);
      expect((await a.getByCode('ABCDEFGH', T0))?.id).toBe('AAAAAAAAAAAAAAAAAAAAAA');
      expect(await b.getByCode('ABCDEFGH', T0)).not.toBeNull();
    });

    it('refuses a database migrated by a newer relay', async () => {
      await open();
      await db?.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
      await expect(open()).rejects.toThrow(/schema version 99, newer than this relay knows/);
    });
  });
}
