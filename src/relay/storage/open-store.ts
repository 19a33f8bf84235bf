/** Picks the report store from the config: PostgreSQL when a database URL is set, else SQLite in the data folder. */
import { openPostgresStore } from './postgres-store.ts';
import type { ReportStore } from './report-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

export async function openReportStore(opts: {
  dbUrl: string | null;
  dataDir: string;
  onIdleError?: (err: Error) => void;
}): Promise<ReportStore> {
  if (opts.dbUrl) {
    return openPostgresStore(
      opts.onIdleError ? { url: opts.dbUrl, onIdleError: opts.onIdleError } : { url: opts.dbUrl },
    );
  }
  return openSqliteStore(opts.dataDir);
}
