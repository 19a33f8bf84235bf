/**
 * What the pages keep about a share: the code and link a report was shared under, so the report page can
 * show it again (the user may need to read the code out a second time). Stored with the run id, not in
 * the report itself: the report is what was measured, the share is something done with it later.
 */
import * as v from 'valibot';
import { CODE_ALPHABET, CODE_LENGTH } from '../protocol/share.ts';

export const SharedRecordSchema = v.object({
  runId: v.pipe(v.string(), v.maxLength(100)),
  code: v.pipe(v.string(), v.regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`))),
  url: v.pipe(v.string(), v.maxLength(2048)),
  expiresAt: v.string(),
  sharedAt: v.string(),
  redaction: v.picklist(['default', 'full-addresses']),
});
export type SharedRecord = v.InferOutput<typeof SharedRecordSchema>;

/** Where shares go and what the user starts from; the policy may fix the full-addresses choice. */
export interface ShareSettings {
  relayUrl: string;
  includeFullAddresses: boolean;
  /** The administrator's policy sets includeFullAddresses: the page shows it but cannot change it. */
  fullAddressesLocked: boolean;
}

/** Most shares remembered (several per run are possible; history keeps 20 runs). */
export const SHARED_LIMIT = 50;

/** `record` first, then the older ones, at most `limit`. */
export function withShared(
  records: readonly SharedRecord[],
  record: SharedRecord,
  limit = SHARED_LIMIT,
): SharedRecord[] {
  return [record, ...records.filter((r) => r.code !== record.code)].slice(0, limit);
}

export function parseShared(raw: unknown): SharedRecord[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((x) => {
    const parsed = v.safeParse(SharedRecordSchema, x);
    return parsed.success ? [parsed.output] : [];
  });
}
