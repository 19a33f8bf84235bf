/**
 * Is there a TLS-inspecting middlebox between this browser and the relay? Such a device ends the browser's
 * TLS with a certificate from its own CA (which the browser trusts, which is why HTTPS still works) and opens
 * its own TLS connection to the relay; desk phones and the apps do not trust that CA, so their SIP over TLS
 * (5096/5097) and HTTPS fail wherever the device inspects them. The relay reports the ClientHello it
 * received; each browser's own hello carries a mark that other TLS stacks do not send:
 * - Chromium always sends GREASE values (RFC 8701) in its cipher suites, extensions and groups;
 * - Firefox always sends the record_size_limit extension (RFC 8449).
 * A hello without the mark was not this browser's: something on the path made its own. Pure.
 */
import type { ClientHello } from '../protocol/relay-messages.ts';

/** The TLS stack of the browser running the check, where a mark of its hello is known. */
export type TlsStack = 'chromium' | 'firefox';

const RECORD_SIZE_LIMIT = 28;

export interface InspectionEvidence {
  /** The mark this browser's hello always carries, which the hello the relay received lacked. */
  missing: 'grease' | 'record-size-limit';
  /** What the relay received, for support. */
  received: ClientHello;
}

/** The TLS stack from the browser's name as the report records it ("chrome Chrome/…", "firefox Firefox/…"). */
export function tlsStackOf(browserName: string): TlsStack | null {
  if (/^chrome\b/.test(browserName)) return 'chromium';
  if (/^firefox\b/.test(browserName)) return 'firefox';
  return null;
}

/** Evidence of TLS inspection in the hello the relay received, or null (none found, or nothing to compare). */
export function inspectionEvidence(
  stack: TlsStack | null | undefined,
  hello: ClientHello | null | undefined,
): InspectionEvidence | null {
  if (!stack || !hello) return null;
  if (stack === 'chromium' && !hello.grease) return { missing: 'grease', received: hello };
  if (stack === 'firefox' && !hello.extensions.includes(RECORD_SIZE_LIMIT)) {
    return { missing: 'record-size-limit', received: hello };
  }
  return null;
}
