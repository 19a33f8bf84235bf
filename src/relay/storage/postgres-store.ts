/**
 * The report store for several relays behind a load balancer: PostgreSQL through `pg` (pure JavaScript).
 * Relays starting together migrate one at a time under an advisory lock; everything else is single
 * statements, so any relay can serve any request (console sessions live here too, not in one process).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  MIGRATION_LOCK_KEY,
  MIGRATIONS,
  type Migration,
  pendingMigrations,
  QUOTA_LOCK_KEY,
  SCHEMA_MIGRATIONS_TABLE,
} from './migrations.ts';
import {
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
  reportFromRow,
  type SessionRow,
  type StoredReport,
  type SummaryRow,
  sessionFromRow,
  summaryFromRow,
} from './report-store.ts';

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

export async function migratePostgres(
  pool: pg.Pool,
  known: readonly Migration[] = MIGRATIONS,
  now = Date.now(),
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Inside the lock, even the CREATE TABLE IF NOT EXISTS: two of those at once can still collide.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(SCHEMA_MIGRATIONS_TABLE);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    for (const m of pendingMigrations(
      rows.map((r) => Number(r.version)),
      known,
    )) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        now,
      ]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export interface PostgresStoreOptions {
  url: string;
  /** An idle pooled connection failed (server restart, network): the pool replaces it; we only log it. */
  onIdleError?: (err: Error) => void;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<ReportStore> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'svc-relay',
  });
  // Without a listener an idle client's error would crash the relay.
  pool.on('error', (err) => opts.onIdleError?.(err));
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  let closed = false;

  const put = async (db: pg.Pool | pg.PoolClient, r: StoredReport): Promise<PutResult> => {
    try {
      const values = insertValues(r);
      const params = values.map((_, i) => `$${i + 1}`).join(', ');
      await db.query(`INSERT INTO reports (${INSERT_COLUMNS}) VALUES (${params})`, values);
      return 'stored';
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === UNIQUE_VIOLATION && e.constraint === 'reports_code_key') return 'code-taken';
      throw err;
    }
  };
  const bytesOf = async (db: pg.Pool | pg.PoolClient, sql: string, params: Array<string | number>) =>
    Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);
  const LIVE_BYTES = 'SELECT COALESCE(SUM(bytes), 0) AS n FROM reports WHERE expires_at > $1';
  const CLIENT_BYTES = `SELECT COALESCE(SUM(bytes), 0) AS n FROM reports
    WHERE expires_at > $1 AND client_hash = $2 AND created_at >= $3`;

  /**
   * The refusal with when enough frees: a client's report stops counting a day after it was made (or when
   * it expires); any report stops filling the relay when it expires.
   */
  const refusal = async (
    breach: NonNullable<ReturnType<typeof quotaBreach>>,
    now: number,
    clientHash: string,
  ): Promise<QuotaRefusal> => {
    const { rows } =
      breach.refused === 'quota-exceeded'
        ? await pool.query<{ free_at: string }>(
            `SELECT free_at FROM (SELECT LEAST(created_at + $1, expires_at) AS free_at,
               SUM(bytes) OVER (ORDER BY LEAST(created_at + $1, expires_at), id) AS freed
             FROM reports WHERE expires_at > $2 AND client_hash = $3 AND created_at >= $4) t
             WHERE freed >= $5 ORDER BY free_at LIMIT 1`,
            [QUOTA_WINDOW_MS, now, clientHash, now - QUOTA_WINDOW_MS, breach.need],
          )
        : await pool.query<{ free_at: string }>(
            `SELECT free_at FROM (SELECT expires_at AS free_at,
               SUM(bytes) OVER (ORDER BY expires_at, id) AS freed FROM reports WHERE expires_at > $1) t
             WHERE freed >= $2 ORDER BY free_at LIMIT 1`,
            [now, breach.need],
          );
    const freesAt = rows[0] ? Number(rows[0].free_at) : null;
    return { refused: breach.refused, heldBytes: breach.held, freesAt };
  };

  return {
    kind: 'postgres',
    put: (r) => put(pool, r),
    async putWithinQuota(r, quotas): Promise<QuotaPutResult> {
      const since = r.createdAt - QUOTA_WINDOW_MS;
      const bytes = insertValues(r).at(-1) as number;
      let breach: ReturnType<typeof quotaBreach>;
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        // One upload at a time, over every relay on this database, checks the quotas and stores; the lock
        // is held only for two index sums and one insert, and ends with the transaction.
        await c.query('SELECT pg_advisory_xact_lock($1)', [QUOTA_LOCK_KEY]);
        const mine = await bytesOf(c, CLIENT_BYTES, [r.createdAt, r.clientHash, since]);
        const all = await bytesOf(c, LIVE_BYTES, [r.createdAt]);
        breach = quotaBreach(bytes, mine, all, quotas);
        const result = breach ? null : await put(c, r);
        await c.query(result === 'stored' ? 'COMMIT' : 'ROLLBACK');
        if (result) return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
      if (!breach) throw new Error('unreachable');
      // When it frees: outside the lock, it only informs the refusal.
      return refusal(breach, r.createdAt, r.clientHash);
    },
    async quotaFull(clientHash, now, quotas) {
      const mine = await bytesOf(pool, CLIENT_BYTES, [now, clientHash, now - QUOTA_WINDOW_MS]);
      const breach = quotaBreach(MIN_REPORT_BYTES, mine, await bytesOf(pool, LIVE_BYTES, [now]), quotas);
      return breach ? refusal(breach, now, clientHash) : null;
    },
    async getById(id, now) {
      const { rows } = await pool.query<ReportRow>(
        `SELECT ${REPORT_COLUMNS} FROM reports WHERE id = $1 AND expires_at > $2`,
        [id, now],
      );
      return rows[0] ? reportFromRow(rows[0]) : null;
    },
    async getByCode(code, now) {
      const { rows } = await pool.query<ReportRow>(
        `SELECT ${REPORT_COLUMNS} FROM reports WHERE code = $1 AND expires_at > $2`,
        [code, now],
      );
      return rows[0] ? reportFromRow(rows[0]) : null;
    },
    async recent(limit, now) {
      const { rows } = await pool.query<SummaryRow>(
        `SELECT id, code, verdict, headline, redaction, created_at, expires_at FROM reports
         WHERE expires_at > $1 ORDER BY created_at DESC, id LIMIT $2`,
        [now, clampLimit(limit)],
      );
      return rows.map(summaryFromRow);
    },
    storedBytes: (now, client) =>
      client
        ? bytesOf(pool, CLIENT_BYTES, [now, client.clientHash, client.since])
        : bytesOf(pool, LIVE_BYTES, [now]),
    async deleteExpired(now) {
      const { rowCount } = await pool.query('DELETE FROM reports WHERE expires_at <= $1', [now]);
      await pool.query('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
      return rowCount ?? 0;
    },
    async logView(v) {
      await pool.query('INSERT INTO report_views (report_id, support_user, viewed_at) VALUES ($1, $2, $3)', [
        v.reportId,
        v.supportUser,
        v.at,
      ]);
    },
    async views(reportId) {
      const { rows } = await pool.query<{ report_id: string; support_user: string; viewed_at: string }>(
        'SELECT report_id, support_user, viewed_at FROM report_views WHERE report_id = $1 ORDER BY viewed_at, ctid',
        [reportId],
      );
      return rows.map((r) => ({
        reportId: r.report_id,
        supportUser: r.support_user,
        at: Number(r.viewed_at),
      }));
    },
    async putSession(s) {
      await pool.query(
        'INSERT INTO console_sessions (sid_hash, support_user, expires_at, token_fp) VALUES ($1, $2, $3, $4)',
        [s.sidHash, s.supportUser, s.expiresAt, s.tokenFp],
      );
    },
    async getSession(sidHash, now) {
      const { rows } = await pool.query<SessionRow>(
        'SELECT sid_hash, support_user, expires_at, token_fp FROM console_sessions WHERE sid_hash = $1 AND expires_at > $2',
        [sidHash, now],
      );
      const row = rows[0];
      return row ? sessionFromRow(row) : null;
    },
    async deleteSession(sidHash) {
      await pool.query('DELETE FROM console_sessions WHERE sid_hash = $1', [sidHash]);
    },
    async deleteUserSessions(supportUser) {
      const { rowCount } = await pool.query('DELETE FROM console_sessions WHERE support_user = $1', [
        supportUser,
      ]);
      return rowCount ?? 0;
    },
    async installSalt() {
      await pool.query(
        "INSERT INTO relay_install (key, value) VALUES ('client-salt', $1) ON CONFLICT (key) DO NOTHING",
        [randomBytes(32).toString('hex')],
      );
      const { rows } = await pool.query<{ value: string }>(
        "SELECT value FROM relay_install WHERE key = 'client-salt'",
      );
      return rows[0]?.value ?? '';
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
