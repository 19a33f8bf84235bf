/**
 * What "Share with support" sends: the report, redacted unless the user chose full addresses, as the exact
 * JSON text the preview shows and the upload sends (one string for both, so they cannot differ). Pure.
 */

import type { Report } from '../protocol/report.ts';
import { MAX_UPLOAD_BYTES, type UploadRequest } from '../protocol/share.ts';
import { canonicalIp } from '../redaction/ip.ts';
import { redactAddressesIn } from '../redaction/redact-text.ts';

export interface ShareChoice {
  /** The user ticked "Include full IP addresses": the report goes as it is kept on this computer. */
  includeFullAddresses: boolean;
}

/** Every string (and object key) of `value` through `redact`; arrays and objects are copied, not changed. */
function redactDeep(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((x) => redactDeep(x, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)]));
  }
  return value;
}

/** The relay's own address, when its URL names it by address: kept in URLs (it is a server, not the user). */
function relayAddresses(report: Report): Set<string> {
  try {
    const canonical = canonicalIp(new URL(report.relayUrl).hostname.replace(/^\[(.*)\]$/, '$1'));
    return new Set(canonical ? [canonical] : []);
  } catch {
    return new Set();
  }
}

/** The upload as an object: the report (redacted by default) and the redaction the relay checks against. */
export function shareRequest(report: Report, choice: ShareChoice): UploadRequest {
  if (choice.includeFullAddresses) return { report: structuredClone(report), redaction: 'full-addresses' };
  const keep = relayAddresses(report);
  return {
    report: redactDeep(report, (s) => redactAddressesIn(s, keep)) as Report,
    redaction: 'default',
  };
}

/** The exact body of `POST /api/reports`, indented so the preview is readable. */
export function prepareShare(report: Report, choice: ShareChoice): string {
  return JSON.stringify(shareRequest(report, choice), null, 2);
}

/** Bytes of the body; above MAX_UPLOAD_BYTES the relay refuses it, so the page says so before sending. */
export function shareBodyBytes(body: string): number {
  return new TextEncoder().encode(body).length;
}

export const shareTooBig = (body: string): boolean => shareBodyBytes(body) > MAX_UPLOAD_BYTES;

/** The file a failed share saves: the body as previewed, e.g. secure-voice-check-2026-11-21-ready-for-support.json. */
export function shareFileName(report: Report): string {
  const t = Date.parse(report.finishedAt);
  const day = Number.isNaN(t) ? report.finishedAt.slice(0, 10) : new Date(t).toISOString().slice(0, 10);
  return `secure-voice-check-${day}-${report.verdict}-for-support.json`;
}
