/**
 * Sending a prepared share to the relay and turning the answer into words. The HTTP request itself is
 * injected: the extension's pages pass their own fetch, the landing page its fetch (same origin), and the
 * command line a fetch that runs inside the extension's page, so all three take this one path.
 */
import * as v from 'valibot';
import { readBounded, type StreamedAnswer } from '../protocol/bounded-body.ts';
import {
  MAX_UPLOAD_BYTES,
  UploadErrorSchema,
  type UploadResponse,
  UploadResponseSchema,
} from '../protocol/share.ts';
import { shareBodyBytes } from './prepare-share.ts';

/** The answer's status, headers and body stream (read up to MAX_RELAY_ANSWER_BYTES). */
export interface UploadHttpResponse extends StreamedAnswer {
  status: number;
}

/** What the upload needs of fetch; the global fetch satisfies it. */
export type UploadFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<UploadHttpResponse>;

export type ShareOutcome =
  | { ok: true; response: UploadResponse }
  | {
      ok: false;
      /** Sentences for people: what went wrong; the caller adds where the report is now. */
      message: string;
      /** The relay's error code when it answered with one, e.g. "rate-limited". */
      error?: string;
    };

/** Longer than any healthy upload (a few hundred kB at most), short enough that a dead path says so. */
export const UPLOAD_TIMEOUT_MS = 20_000;

/** `POST <relay>/api/reports`, keeping a path the relay URL may have (like the probe and WSS URLs). */
export function uploadUrlFor(relayUrl: string): string {
  const u = new URL(relayUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/api/reports`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

function refusalText(
  status: number,
  body: string,
  retryAfter: string | null,
): { message: string; error?: string } {
  let parsed: v.SafeParseResult<typeof UploadErrorSchema> | null = null;
  try {
    parsed = v.safeParse(UploadErrorSchema, JSON.parse(body));
  } catch {
    // Not the relay's JSON (a proxy's error page, say): described by the status below.
  }
  if (parsed?.success) {
    const { error, message } = parsed.output;
    if (error === 'rate-limited') {
      const wait = retryAfter && /^\d+$/.test(retryAfter) ? ` in ${retryAfter} s` : ' in a minute';
      return { error, message: `The relay has had too many uploads from this network; try again${wait}.` };
    }
    if (error === 'forbidden-origin') {
      return { error, message: 'The relay does not accept uploads from this page.' };
    }
    return { error, message: `The relay refused the report: ${message}` };
  }
  return { message: `The relay answered HTTP ${status} instead of storing the report.` };
}

export async function uploadShare(
  fetchFn: UploadFetch,
  relayUrl: string,
  body: string,
  timeoutMs = UPLOAD_TIMEOUT_MS,
): Promise<ShareOutcome> {
  if (shareBodyBytes(body) > MAX_UPLOAD_BYTES) {
    return {
      ok: false,
      error: 'too-big',
      message: `The report is larger than the relay accepts (${MAX_UPLOAD_BYTES / 1024} KiB).`,
    };
  }
  let url: string;
  try {
    url = uploadUrlFor(relayUrl);
  } catch {
    return { ok: false, message: `The relay URL "${relayUrl}" is not a URL.` };
  }
  const host = new URL(url).host;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      signal: abort.signal,
    });
    const read = await readBounded(res);
    if (!read.ok) {
      return {
        ok: false,
        message: `${host} answered the upload, but ${read.error}: not the relay's answer.`,
      };
    }
    const text = read.text;
    if (res.status !== 201)
      return { ok: false, ...refusalText(res.status, text, res.headers.get('retry-after')) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const answer = v.safeParse(UploadResponseSchema, json);
    if (!answer.success) {
      return { ok: false, message: `${host} answered, but not with a support code.` };
    }
    return { ok: true, response: answer.output };
  } catch (err) {
    const why = abort.signal.aborted
      ? `no answer within ${Math.ceil(timeoutMs / 1000)} s`
      : (err instanceof Error ? err.message : String(err)).slice(0, 200);
    return { ok: false, message: `Could not reach the relay at ${host} (${why}).` };
  } finally {
    clearTimeout(timer);
  }
}
