/**
 * Where shared reports live: one interface, two implementations (SQLite in the data folder by default,
 * PostgreSQL when several relays share one database). Every read takes the caller's clock and never returns
 * an expired report, so expiry holds between sweeps; deleteExpired removes them for good.
 */
import type { Report } from '../../protocol/report.ts';
import type { Redaction } from '../../protocol/share.ts';

export interface StoredReport {
  /** Unguessable storage key (128 random bits, base64url). */
  id: string;
  /** Short lookup code for support, unique among stored reports. */
  code: string;
  report: Report;
  redaction: Redaction;
  /** ms since the epoch. */
  createdAt: number;
  expiresAt: number;
  /** Salted hash of the uploader's address: lets an operator group abuse without keeping addresses. */
  clientHash: string;
}

/** What the recent list shows, without loading every report. */
export interface ReportSummary {
  id: string;
  code: string;
  verdict: Report['verdict'];
  headline: string;
  redaction: Redaction;
  createdAt: number;
  expiresAt: number;
}

export interface ReportView {
  supportUser: string;
  reportId: string;
  at: number;
}

export interface ConsoleSession {
  /** SHA-256 of the session id: the cookie's value is never stored. */
  sidHash: string;
  supportUser: string;
  expiresAt: number;
  /**
   * HMAC-SHA256 of the support token it was made with, keyed by the session id (which the database does not
   * hold): a session ends when its user's token is replaced, and a leaked database cannot test token guesses.
   */
  tokenFp: string;
}

export type PutResult = 'stored' | 'code-taken';

/** Report bytes the relay stores: per client in any 24 hours, and in all. */
export interface StorageQuotas {
  clientBytesPerDay: number;
  maxStoredBytes: number;
}

/**
 * Fewer bytes than any valid report is stored as (one with no checks is about 1 KB): a client or relay with
 * less room than this takes no report at all.
 */
export const MIN_REPORT_BYTES = 256;

/** The window of the per-client quota. */
export const QUOTA_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Why a report was not stored under the quotas, with what is held now and when enough of it frees for
 * this report to fit (ms since the epoch; null when it never will: the report alone is over the quota).
 */
export type QuotaRefusal =
  | { refused: 'quota-exceeded'; heldBytes: number; freesAt: number | null }
  | { refused: 'storage-full'; heldBytes: number; freesAt: number | null };

export type QuotaPutResult = PutResult | QuotaRefusal;

export interface ReportStore {
  readonly kind: 'sqlite' | 'postgres';
  /** 'code-taken' when another stored report (even an expired one not yet swept) has the code. */
  put(r: StoredReport): Promise<PutResult>;
  /**
   * put(), only if the report keeps its client (r.clientHash, over the 24 hours before r.createdAt) and
   * the relay within the quotas: checked and stored in one transaction, so parallel uploads (also on
   * other relays sharing the database) cannot all pass the check and together go over.
   */
  putWithinQuota(r: StoredReport, quotas: StorageQuotas): Promise<QuotaPutResult>;
  /**
   * The refusal any report from this client would get now (it holds its quota already, or the relay is
   * full), or null: lets an upload be refused before its body is parsed and scanned. Not a reservation:
   * putWithinQuota still decides.
   */
  quotaFull(clientHash: string, now: number, quotas: StorageQuotas): Promise<QuotaRefusal | null>;
  getById(id: string, now: number): Promise<StoredReport | null>;
  getByCode(code: string, now: number): Promise<StoredReport | null>;
  /** Live reports, newest first. */
  recent(limit: number, now: number): Promise<ReportSummary[]>;
  /**
   * Bytes of report JSON stored and not expired: all of them, or (with `clientHash`) those one client
   * uploaded since `since`. What the storage quotas count.
   */
  storedBytes(now: number, client?: { clientHash: string; since: number }): Promise<number>;
  /** Deletes expired reports and console sessions; returns how many reports went. */
  deleteExpired(now: number): Promise<number>;
  logView(v: ReportView): Promise<void>;
  /** Views of one report, oldest first. */
  views(reportId: string): Promise<ReportView[]>;
  putSession(s: ConsoleSession): Promise<void>;
  getSession(sidHash: string, now: number): Promise<ConsoleSession | null>;
  deleteSession(sidHash: string): Promise<void>;
  /** Ends every session of one support user ("sign out everywhere"); returns how many. */
  deleteUserSessions(supportUser: string): Promise<number>;
  /**
   * A random secret made once per installation (database) and kept there, so every relay sharing the
   * database hashes client addresses alike.
   */
  installSalt(): Promise<string>;
  close(): Promise<void>;
}

/** Row shape both implementations read back; numbers may arrive as strings from PostgreSQL's BIGINT. */
export interface ReportRow {
  id: string;
  code: string;
  report_json: string;
  redaction: string;
  client_hash: string;
  created_at: number | string | bigint;
  expires_at: number | string | bigint;
}

/** The columns a stored report is read from, in both stores. */
export const REPORT_COLUMNS = 'id, code, report_json, redaction, client_hash, created_at, expires_at';

/** The INSERT column list and its values, in order: one definition for both stores' placeholder styles. */
export const INSERT_COLUMNS =
  'id, code, report_json, redaction, verdict, headline, client_hash, created_at, expires_at, bytes';

/** How much of a headline the recent list keeps beside the report. */
export const LISTED_HEADLINE_CHARS = 200;

export function insertValues(r: StoredReport): Array<string | number> {
  const json = JSON.stringify(r.report);
  return [
    r.id,
    r.code,
    json,
    r.redaction,
    r.report.verdict,
    // The list's copy is short: the full headline is in the report (it was stored twice, in full).
    r.report.headline.slice(0, LISTED_HEADLINE_CHARS),
    r.clientHash,
    r.createdAt,
    r.expiresAt,
    // What the storage quotas count (storedBytes), kept beside the report so they never read it.
    new TextEncoder().encode(json).length,
  ];
}

/**
 * Which quota a report of `bytes` would break, given what its client (`mine`) and the relay (`all`) hold;
 * null if it fits. With the bytes over the quota (`need`), for asking when enough frees.
 */
export function quotaBreach(
  bytes: number,
  mine: number,
  all: number,
  q: StorageQuotas,
): { refused: QuotaRefusal['refused']; held: number; need: number } | null {
  if (mine + bytes > q.clientBytesPerDay)
    return { refused: 'quota-exceeded', held: mine, need: mine + bytes - q.clientBytesPerDay };
  if (all + bytes > q.maxStoredBytes)
    return { refused: 'storage-full', held: all, need: all + bytes - q.maxStoredBytes };
  return null;
}

export function reportFromRow(row: ReportRow): StoredReport {
  return {
    id: row.id,
    code: row.code,
    report: JSON.parse(row.report_json) as Report,
    redaction: row.redaction as Redaction,
    clientHash: row.client_hash,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

export interface SummaryRow {
  id: string;
  code: string;
  verdict: string;
  headline: string;
  redaction: string;
  created_at: number | string | bigint;
  expires_at: number | string | bigint;
}

export function summaryFromRow(row: SummaryRow): ReportSummary {
  return {
    id: row.id,
    code: row.code,
    verdict: row.verdict as Report['verdict'],
    headline: row.headline,
    redaction: row.redaction as Redaction,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/** The most a recent() call returns, whatever the caller asks. */
export const MAX_RECENT = 200;

export function clampLimit(limit: number): number {
  return Math.max(1, Math.min(MAX_RECENT, Math.floor(limit)));
}

/** Row shape of a console session in both stores (BIGINT may arrive as a string). */
export interface SessionRow {
  sid_hash: string;
  support_user: string;
  expires_at: number | string | bigint;
  token_fp: string;
}

export function sessionFromRow(row: SessionRow): ConsoleSession {
  return {
    sidHash: row.sid_hash,
    supportUser: row.support_user,
    expiresAt: Number(row.expires_at),
    tokenFp: row.token_fp,
  };
}
