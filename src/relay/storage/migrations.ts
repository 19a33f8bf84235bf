/**
 * The report database's schema, as numbered migrations in one place for both SQLite and PostgreSQL. Each
 * store applies the pending ones at start inside one transaction and records them in schema_migrations.
 * Never edit a released migration: add the next number. The SQL is the common subset of both databases
 * (BIGINT has integer affinity in SQLite), so one text serves both.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'reports, views, console sessions, install salt',
    sql: `
CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  report_json TEXT NOT NULL,
  redaction TEXT NOT NULL,
  verdict TEXT NOT NULL,
  headline TEXT NOT NULL,
  client_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  CONSTRAINT reports_code_key UNIQUE (code)
);
CREATE INDEX reports_expires_at ON reports (expires_at);
CREATE INDEX reports_created_at ON reports (created_at);
CREATE TABLE report_views (
  report_id TEXT NOT NULL,
  support_user TEXT NOT NULL,
  viewed_at BIGINT NOT NULL
);
CREATE INDEX report_views_report ON report_views (report_id, viewed_at);
CREATE TABLE console_sessions (
  sid_hash TEXT PRIMARY KEY,
  support_user TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE relay_install (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    // Sessions made before this have no fingerprint and match no token: everyone signs in once more.
    name: 'console sessions bound to the token they were made with',
    sql: `ALTER TABLE console_sessions ADD COLUMN token_fp TEXT NOT NULL DEFAULT '';`,
  },
  {
    version: 3,
    // The storage quotas sum report sizes on every upload: from covering indexes, never by reading the
    // reports themselves (that read every stored byte per upload).
    name: 'report sizes for the storage quotas',
    sql: `
ALTER TABLE reports ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
UPDATE reports SET bytes = OCTET_LENGTH(report_json);
CREATE INDEX reports_live_bytes ON reports (expires_at, bytes);
CREATE INDEX reports_client_bytes ON reports (client_hash, created_at, expires_at, bytes);
`,
  },
];

/** Lock key for PostgreSQL's advisory lock, so relays starting together migrate one at a time. */
export const MIGRATION_LOCK_KEY = 0x5356_4301;
/** Lock key for the storage quotas: one upload at a time checks them and stores, over all relays. */
export const QUOTA_LOCK_KEY = 0x5356_4302;

/**
 * The migrations still to apply, in order, given the versions the database recorded. A database migrated
 * by a newer relay is refused rather than used with a schema this code does not know.
 */
export function pendingMigrations(
  applied: readonly number[],
  known: readonly Migration[] = MIGRATIONS,
): Migration[] {
  const latest = Math.max(0, ...known.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  if (newest > latest) {
    throw new Error(
      `the report database has schema version ${newest}, newer than this relay knows (${latest}); upgrade the relay`,
    );
  }
  const done = new Set(applied);
  return [...known].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
}
