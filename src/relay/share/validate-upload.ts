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

const encoder = new TextEncoder();
const utf8Bytes = (text: string) => encoder.encode(text).length;

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
  // What is stored is the validated report re-serialised: never more than was sent. A body whose numbers
  // expand when written back (1e20 is 21 digits) would otherwise be stored several times its size.
  const storedBytes = utf8Bytes(JSON.stringify(request.report));
  if (storedBytes > utf8Bytes(text)) {
    return {
      ok: false,
      body: {
        error: 'bad-report',
        message: `The report would be stored larger than it was sent (${storedBytes} bytes): write numbers in plain form (e.g. 100000, not 1e5).`,
        path: 'report',
      },
    };
  }
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
