/**
 * One HTTPS request with the step's time limit, a failure already classified (DNS, refused, timed out,
 * certificate…), and optionally the JSON body read within the same limit.
 */
import type { CheckContext } from './context.ts';
import { classifyFailure } from './failure.ts';
import type { NetReason } from './net-error.ts';
import { TIMEOUTS } from './timeouts.ts';

export type TimedFetchResult =
  | { ok: true; status: number; json: unknown }
  | { ok: false; reason: NetReason; browserError: string | undefined };

export async function timedFetch(
  ctx: CheckContext,
  url: URL,
  opts: { readJson?: boolean; redirect?: RequestRedirect; timeoutMs?: number } = {},
): Promise<TimedFetchResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? TIMEOUTS.httpsMs);
  try {
    const res = await ctx.fetch(url.toString(), {
      cache: 'no-store',
      credentials: 'omit',
      redirect: opts.redirect ?? 'follow',
      signal: abort.signal,
    });
    const json = opts.readJson && res.ok ? await res.json().catch(() => undefined) : undefined;
    return { ok: true, status: res.status, json };
  } catch {
    const { reason, browserError } = await classifyFailure(ctx, url, abort.signal.aborted);
    return { ok: false, reason, browserError };
  } finally {
    clearTimeout(timer);
  }
}
