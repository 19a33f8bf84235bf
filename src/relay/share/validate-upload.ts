/**
 * An upload body → the validated request or the 400 the client gets, with the path of the first problem.
 * Pure: the HTTP shell has already enforced the size limit and the rate limit.
 */
import * as v from 'valibot';
import { type UploadError, type UploadRequest, UploadRequestSchema } from '../../protocol/share.ts';
import { findFullAddress, tooDeep } from './address-scan.ts';

/**
 * Deeper than any real report (check data nests a few levels), shallow enough that storing and rendering
 * it (JSON.stringify is recursive) cannot exhaust the stack.
 */
export const MAX_UPLOAD_DEPTH = 32;

export type UploadValidation = { ok: true; request: UploadRequest } | { ok: false; body: UploadError };

export function validateUpload(text: string, ownAddresses: ReadonlySet<string>): UploadValidation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      body: { error: 'bad-json', message: `The body is not JSON: ${(err as Error).message}` },
    };
  }
  const deep = tooDeep(parsed, MAX_UPLOAD_DEPTH);
  if (deep !== null) {
    return {
      ok: false,
      body: {
        error: 'bad-report',
        message: `The upload nests deeper than ${MAX_UPLOAD_DEPTH} levels at ${deep}.`,
        path: deep,
      },
    };
  }
  const result = v.safeParse(UploadRequestSchema, parsed);
  if (!result.success) {
    const issue = result.issues[0];
    const path = (issue && v.getDotPath(issue)) || '(top level)';
    return {
      ok: false,
      body: {
        error: 'bad-report',
        message: `Not a valid report upload at ${path}: ${issue?.message ?? 'invalid'}.`,
        path,
      },
    };
  }
  const request = result.output;
  if (request.redaction === 'default') {
    // Scans what would be stored (the parsed output: unknown keys are already dropped).
    const found = findFullAddress(request.report, ownAddresses, 'report');
    if (found) {
      return {
        ok: false,
        body: {
          error: 'unredacted-address',
          message: `The report holds a full IP address at ${found.path}, but its redaction is "default". Redact addresses to their network part (e.g. 203.0.113.x), or upload with redaction "full-addresses" if the user agreed to share them.`,
          path: found.path,
        },
      };
    }
  }
  return { ok: true, request };
}
