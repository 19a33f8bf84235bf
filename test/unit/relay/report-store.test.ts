/**
 * The report store contract against both implementations: SQLite in a temporary data folder, and a real
 * PostgreSQL server this file starts (and fails without: CI installs Debian's postgresql).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { MIGRATIONS, pendingMigrations } from '../../../src/relay/storage/migrations.ts';
import { openPostgresStore } from '../../../src/relay/storage/postgres-store.ts';
import { openSqliteStore, SQLITE_FILE } from '../../../src/relay/storage/sqlite-store.ts';
import { report } from '../../fakes/report.ts';
import { startTestRelay } from '../../helpers/in-process-relay.ts';
import { call, upload } from './https-call.ts';
import { expectQuotaHoldsInParallel, THREE_A_DAY } from './parallel-uploads.ts';
import { startPostgres, type TestPostgres } from './postgres-server.ts';
import { reportStoreContract } from './report-store-contract.ts';

describe('migrations', () => {
  it('lists what is pending, in order', () => {
    const known = [
      { version: 2, name: 'b', sql: '' },
      { version: 1, name: 'a', sql: '' },
      { version: 3, name: 'c', sql: '' },
    ];
    expect(pendingMigrations([], known).map((m) => m.version)).toEqual([1, 2, 3]);
    expect(pendingMigrations([1, 2], known).map((m) => m.version)).toEqual([3]);
    expect(pendingMigrations([1, 2, 3], known)).toEqual([]);
  });

  it('refuses a schema newer than it knows', () => {
    expect(() => pendingMigrations([1, 7], MIGRATIONS)).toThrow(
      'schema version 7, newer than this relay knows (3)',
    );
  });

  it('numbers migrations from 1 without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe('SQLite report store', () => {
  reportStoreContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-sqlite-'));
    return {
      open: async () => openSqliteStore(dir),
      async exec(sql) {
        const db = new DatabaseSync(join(dir, SQLITE_FILE));
        db.exec(sql);
        db.close();
      },
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  });

  it('keeps its file owner-only, in WAL mode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-sqlite-'));
    try {
      const store = openSqliteStore(join(dir, 'nested'));
      await store.close();
      expect((await stat(join(dir, 'nested', SQLITE_FILE))).mode & 0o777).toBe(0o600);
      const db = new DatabaseSync(join(dir, 'nested', SQLITE_FILE));
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL report store (a real server)', () => {
  let server: TestPostgres | null = null;
  let startError: Error | null = null;
  // A server that cannot start fails every test below with the reason (never a skip).
  beforeAll(async () => {
    server = await startPostgres().catch((err: Error) => {
      startError = err;
      return null;
    });
  }, 120_000);
  afterAll(() => server?.stop(), 60_000);

  it('has a PostgreSQL server to test against', () => {
    if (startError) throw startError;
    expect(server).not.toBeNull();
  });

  reportStoreContract(async () => {
    if (!server) throw startError ?? new Error('the PostgreSQL server did not start');
    const pg = server;
    const url = await pg.createDatabase();
    return {
      open: () => openPostgresStore({ url }),
      async exec(sql) {
        const c = await pg.client(url);
        try {
          await c.query(sql);
        } finally {
          await c.end();
        }
      },
      async drop() {},
    };
  });

  it('serves uploads and the console from PostgreSQL', async () => {
    if (!server) throw startError ?? new Error('the PostgreSQL server did not start');
    const store = await openPostgresStore({ url: await server.createDatabase() });
    const relay = await startTestRelay({
      share: { store, supportTokens: parseSupportTokens('alice:alice-token-0123456789') },
    });
    try {
      const up = await upload(relay, { report: report({ verdict: 'degraded' }), redaction: 'default' });
      expect(up.status).toBe(201);
      const { code, id } = up.json() as { code: string; id: string };
      const r = await call(relay, `/console/api/reports/${code}`, {
        headers: { Authorization: 'Bearer alice:alice-token-0123456789' },
      });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ id, report: { verdict: 'degraded' } });
      expect((await store.views(id)).map((v) => v.supportUser)).toEqual(['alice']);
    } finally {
      await relay.stop();
      await store.close();
    }
  });

  it('keeps the per-client quota when uploads arrive in parallel', async () => {
    if (!server) throw startError ?? new Error('the PostgreSQL server did not start');
    const store = await openPostgresStore({ url: await server.createDatabase() });
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const relay = await startTestRelay({
      share: { store, supportTokens: [], now: () => now, uploadsPerMinute: 1000, quotas: THREE_A_DAY },
    });
    try {
      await expectQuotaHoldsInParallel(relay, now);
    } finally {
      await relay.stop();
      await store.close();
    }
  });
});
