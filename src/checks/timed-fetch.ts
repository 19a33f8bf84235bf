/**
 * One HTTPS request with the step's time limit, a failure already classified (DNS, refused, timed out,
 * certificate…), and optionally the JSON body read within the same limit and up to a size cap.
 */
import { readBounded } from '../protocol/bounded-body.ts';
import type { CheckContext } from './context.ts';
import { classifyFailure } from './failure.ts';
import type { NetReason } from './net-error.ts';
import { TIMEOUTS } from './timeouts.ts';

export type TimedFetchResult =
  | {
      ok: true;
      status: number;
      json: unknown;
      /** Why the body was not read (e.g. "the answer is larger than 64 KiB"); json is then undefined. */
      bodyError?: string;
    }
  | { ok: false; reason: NetReason; browserError: string | undefined };

export async function timedFetch(
  ctx: CheckContext,
  url: URL,
  opts: { readJson?: boolean; redirect?: RequestRedirect; timeoutMs?: number } = {},
): Promise<TimedFetchResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? TIMEOUTS.httpsMs);
  const started = ctx.now();
  try {
    const res = await ctx.fetch(url.toString(), {
      cache: 'no-store',
      credentials: 'omit',
      redirect: opts.redirect ?? 'follow',
      signal: abort.signal,
    });
    if (!opts.readJson || !res.ok) return { ok: true, status: res.status, json: undefined };
    const body = await readBounded(res);
    if (!body.ok) return { ok: true, status: res.status, json: undefined, bodyError: body.error };
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      json = undefined;
    }
    return { ok: true, status: res.status, json };
  } catch {
    const elapsedMs = ctx.now() - started;
    const { reason, browserError } = await classifyFailure(ctx, url, abort.signal.aborted, elapsedMs);
    return { ok: false, reason, browserError };
  } finally {
    clearTimeout(timer);
  }
}
