/**
 * Sharing a report with support: what the extension uploads to the relay, what the relay answers, and the
 * short code a user reads out over the phone. Shared by the extension (upload) and the relay (validation).
 */
import * as v from 'valibot';
import { ReportSchema } from './report.ts';

/**
 * The short code's characters: digits and upper-case letters without the look-alikes 0/O, 1/I/L (and no
 * lower case), so a code read over the phone or copied from a screenshot comes out right.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;

/** The report's storage key: base64url of 16 random bytes (128 bits), so it cannot be guessed. */
export const REPORT_ID_BYTES = 16;
export const REPORT_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Largest upload body the relay reads; the extension can check before it sends. */
export const MAX_UPLOAD_BYTES = 256 * 1024;

/**
 * `default`: the extension redacted every address (the relay refuses full IP addresses then);
 * `full-addresses`: the user chose to share full addresses with support.
 */
export const Redaction = v.picklist(['default', 'full-addresses']);
export type Redaction = v.InferOutput<typeof Redaction>;

export const UploadRequestSchema = v.object({ report: ReportSchema, redaction: Redaction });
export type UploadRequest = v.InferOutput<typeof UploadRequestSchema>;

export const UploadResponseSchema = v.object({
  /** The canonical code (CODE_LENGTH characters of CODE_ALPHABET); show it with formatCode. */
  code: v.pipe(v.string(), v.regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`))),
  id: v.pipe(v.string(), v.regex(REPORT_ID_PATTERN)),
  /** The support console's page for this report (support signs in to see it). */
  url: v.string(),
  /** ISO time after which the report is deleted. */
  expiresAt: v.string(),
});
export type UploadResponse = v.InferOutput<typeof UploadResponseSchema>;

/** Why an upload was refused; `error` is stable for code, `message` is for people. */
export const UploadErrorCode = v.picklist([
  'forbidden-origin',
  'rate-limited',
  'bad-content-type',
  'too-big',
  'bad-json',
  'bad-report',
  'unredacted-address',
  'method-not-allowed',
  'storage-failed',
  /** This client uploaded its daily allowance of bytes: retry after Retry-After. */
  'quota-exceeded',
  /** The relay holds as many report bytes as it is configured to: support should delete or wait. */
  'storage-full',
]);
export type UploadErrorCode = v.InferOutput<typeof UploadErrorCode>;

export const UploadErrorSchema = v.object({
  error: UploadErrorCode,
  message: v.pipe(v.string(), v.maxLength(2000)),
  /** Where in the upload the problem is, e.g. "report.checks.0.status" (a key may be long: cut to fit). */
  path: v.optional(v.string()),
});
export type UploadError = v.InferOutput<typeof UploadErrorSchema>;

/** "ABCDEFGH" → "ABCD-EFGH": two halves are easier to read out and to type. */
export function formatCode(code: string): string {
  const half = CODE_LENGTH / 2;
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

/**
 * What a person typed ("abcd-efgh", " ABCD EFGH ") → the canonical code, or null when it is not one.
 * Spaces and dashes are ignored and case is folded; a look-alike (0, O, 1, I, L) is not guessed at, since
 * the alphabet never produces one.
 */
export function normalizeCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== CODE_LENGTH) return null;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return null;
  return code;
}
