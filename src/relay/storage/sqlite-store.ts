/**
 * The default report store: SQLite through Node's built-in node:sqlite, in `<dataDir>/reports.sqlite`.
 * WAL lets the console read while an upload writes; node:sqlite is synchronous, which is fine for the
 * relay's small rows (a report is at most 256 KiB) and keeps the store free of native builds.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { MIGRATIONS, type Migration, pendingMigrations, SCHEMA_MIGRATIONS_TABLE } from './migrations.ts';
import {
  type ConsoleSession,
  clampLimit,
  INSERT_COLUMNS,
  insertValues,
  MIN_REPORT_BYTES,
  type PutResult,
  QUOTA_WINDOW_MS,
  type QuotaPutResult,
  type QuotaRefusal,
  quotaBreach,
  REPORT_COLUMNS,
  type ReportRow,
  type ReportStore,
  type ReportView,
  reportFromRow,
  type SessionRow,
  type StoredReport,
  type SummaryRow,
  sessionFromRow,
  summaryFromRow,
} from './report-store.ts';

export const SQLITE_FILE = 'reports.sqlite';
/** SQLITE_CONSTRAINT_UNIQUE: the extended result code of a UNIQUE violation. */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** Applies pending migrations in one write transaction (BEGIN IMMEDIATE takes the write lock first). */
export function migrateSqlite(db: DatabaseSync, known: readonly Migration[] = MIGRATIONS, now = Date.now()) {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(SCHEMA_MIGRATIONS_TABLE);
    const applied = (
      db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>
    ).map((r) => Number(r.version));
    for (const m of pendingMigrations(applied, known)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now,
      );
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

export function openSqliteStore(dataDir: string): ReportStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  // Create the file owner-only before SQLite does: it holds reports, and the -wal/-shm files copy its mode.
  closeSync(openSync(file, 'a', 0o600));
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  // Two relays on one data folder (or a restart racing the old process) wait instead of failing at once.
  db.exec('PRAGMA busy_timeout = 5000');
  migrateSqlite(db);

  const cache = new Map<string, StatementSync>();
  const stmt = (sql: string): StatementSync => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };

  const put = (r: StoredReport): PutResult => {
    try {
      const values = insertValues(r);
      stmt(`INSERT INTO reports (${INSERT_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`).run(
        ...values,
      );
      return 'stored';
    } catch (err) {
      const e = err as { errcode?: number; message?: string };
      if (e.errcode === SQLITE_CONSTRAINT_UNIQUE && /reports\.code/.test(e.message ?? ''))
        return 'code-taken';
      throw err;
    }
  };
  const bytesOf = (sql: string, ...params: Array<string | number>) =>
    Number((stmt(sql).get(...params) as { n: number | bigint }).n);
  const LIVE_BYTES = 'SELECT COALESCE(SUM(bytes), 0) AS n FROM reports WHERE expires_at > ?';
  const CLIENT_BYTES = `SELECT COALESCE(SUM(bytes), 0) AS n FROM reports
    WHERE expires_at > ? AND client_hash = ? AND created_at >= ?`;
  /** The first time at which the reports counted here, freeing in order, have freed `need` bytes. */
  const freesAt = (sql: string, need: number, ...params: Array<string | number>): number | null => {
    const row = stmt(sql).get(...params, need) as { free_at: number | bigint } | undefined;
    return row ? Number(row.free_at) : null;
  };

  /**
   * The refusal with when enough frees: a client's report stops counting a day after it was made (or when
   * it expires); any report stops filling the relay when it expires.
   */
  const refusal = (
    breach: NonNullable<ReturnType<typeof quotaBreach>>,
    now: number,
    clientHash: string,
  ): QuotaRefusal => ({
    refused: breach.refused,
    heldBytes: breach.held,
    freesAt:
      breach.refused === 'quota-exceeded'
        ? freesAt(
            `SELECT free_at FROM (SELECT MIN(created_at + ?, expires_at) AS free_at,
               SUM(bytes) OVER (ORDER BY MIN(created_at + ?, expires_at), id) AS freed
             FROM reports WHERE expires_at > ? AND client_hash = ? AND created_at >= ?) t
             WHERE freed >= ? ORDER BY free_at LIMIT 1`,
            breach.need,
            QUOTA_WINDOW_MS,
            QUOTA_WINDOW_MS,
            now,
            clientHash,
            now - QUOTA_WINDOW_MS,
          )
        : freesAt(
            `SELECT free_at FROM (SELECT expires_at AS free_at,
               SUM(bytes) OVER (ORDER BY expires_at, id) AS freed FROM reports WHERE expires_at > ?) t
             WHERE freed >= ? ORDER BY free_at LIMIT 1`,
            breach.need,
            now,
          ),
  });

  return {
    kind: 'sqlite',
    async put(r) {
      return put(r);
    },
    async putWithinQuota(r, quotas): Promise<QuotaPutResult> {
      const since = r.createdAt - QUOTA_WINDOW_MS;
      const bytes = insertValues(r).at(-1) as number;
      // IMMEDIATE takes the write lock before reading: another process on this file waits until we commit.
      // (In this process the whole check-and-insert runs without yielding.)
      db.exec('BEGIN IMMEDIATE');
      let breach: ReturnType<typeof quotaBreach>;
      try {
        const mine = bytesOf(CLIENT_BYTES, r.createdAt, r.clientHash, since);
        const all = bytesOf(LIVE_BYTES, r.createdAt);
        breach = quotaBreach(bytes, mine, all, quotas);
        const result = breach ? null : put(r);
        db.exec(result === 'stored' ? 'COMMIT' : 'ROLLBACK');
        if (result) return result;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
      if (!breach) throw new Error('unreachable');
      return refusal(breach, r.createdAt, r.clientHash);
    },
    async quotaFull(clientHash, now, quotas) {
      const mine = bytesOf(CLIENT_BYTES, now, clientHash, now - QUOTA_WINDOW_MS);
      const breach = quotaBreach(MIN_REPORT_BYTES, mine, bytesOf(LIVE_BYTES, now), quotas);
      return breach ? refusal(breach, now, clientHash) : null;
    },
    async getById(id, now) {
      const row = stmt(`SELECT ${REPORT_COLUMNS} FROM reports WHERE id = ? AND expires_at > ?`).get(id, now);
      return row ? reportFromRow(row as unknown as ReportRow) : null;
    },
    async getByCode(code, now) {
      const row = stmt(`SELECT ${REPORT_COLUMNS} FROM reports WHERE code = ? AND expires_at > ?`).get(
        code,
        now,
      );
      return row ? reportFromRow(row as unknown as ReportRow) : null;
    },
    async recent(limit, now) {
      const rows = stmt(
        `SELECT id, code, verdict, headline, redaction, created_at, expires_at FROM reports
         WHERE expires_at > ? ORDER BY created_at DESC, id LIMIT ?`,
      ).all(now, clampLimit(limit));
      return rows.map((r) => summaryFromRow(r as unknown as SummaryRow));
    },
    async storedBytes(now, client) {
      return client ? bytesOf(CLIENT_BYTES, now, client.clientHash, client.since) : bytesOf(LIVE_BYTES, now);
    },
    async deleteExpired(now) {
      const { changes } = stmt('DELETE FROM reports WHERE expires_at <= ?').run(now);
      stmt('DELETE FROM console_sessions WHERE expires_at <= ?').run(now);
      return Number(changes);
    },
    async logView(v: ReportView) {
      stmt('INSERT INTO report_views (report_id, support_user, viewed_at) VALUES (?, ?, ?)').run(
        v.reportId,
        v.supportUser,
        v.at,
      );
    },
    async views(reportId) {
      const rows = stmt(
        'SELECT report_id, support_user, viewed_at FROM report_views WHERE report_id = ? ORDER BY viewed_at, rowid',
      ).all(reportId) as Array<{ report_id: string; support_user: string; viewed_at: number }>;
      return rows.map((r) => ({
        reportId: r.report_id,
        supportUser: r.support_user,
        at: Number(r.viewed_at),
      }));
    },
    async putSession(s: ConsoleSession) {
      stmt(
        'INSERT INTO console_sessions (sid_hash, support_user, expires_at, token_fp) VALUES (?, ?, ?, ?)',
      ).run(s.sidHash, s.supportUser, s.expiresAt, s.tokenFp);
    },
    async getSession(sidHash, now) {
      const row = stmt(
        'SELECT sid_hash, support_user, expires_at, token_fp FROM console_sessions WHERE sid_hash = ? AND expires_at > ?',
      ).get(sidHash, now) as SessionRow | undefined;
      return row ? sessionFromRow(row) : null;
    },
    async deleteSession(sidHash) {
      stmt('DELETE FROM console_sessions WHERE sid_hash = ?').run(sidHash);
    },
    async deleteUserSessions(supportUser) {
      return Number(stmt('DELETE FROM console_sessions WHERE support_user = ?').run(supportUser).changes);
    },
    async installSalt() {
      stmt(
        "INSERT INTO relay_install (key, value) VALUES ('client-salt', ?) ON CONFLICT (key) DO NOTHING",
      ).run(randomBytes(32).toString('hex'));
      const row = stmt("SELECT value FROM relay_install WHERE key = 'client-salt'").get() as {
        value: string;
      };
      return row.value;
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
