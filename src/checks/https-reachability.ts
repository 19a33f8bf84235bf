/**
 * HTTPS reachability of one URL: status and time, with DNS/TCP/TLS split out when the browser exposes
 * Resource Timing. Any HTTP answer means the network path works, so a 404 from a provider host still passes.
 */

import { msg } from '../messages/catalog.ts';
import type { CheckContext } from './context.ts';
import { type CheckBase, netFailure, restrictedPortFailure } from './failure.ts';
import { timedFetch } from './timed-fetch.ts';
import type { CheckResult } from './types.ts';
import { summaryOf } from './words.ts';

/** Above this, reachable but slow enough to mention. */
export const SLOW_HTTPS_MS = 1500;

export interface HttpsTarget extends CheckBase {
  url: string;
}

export async function checkHttps(target: HttpsTarget, ctx: CheckContext): Promise<CheckResult> {
  const url = new URL(target.url);
  const base: CheckBase = { id: target.id, title: target.title, titleMessage: target.titleMessage };
  const refused = restrictedPortFailure(base, url);
  if (refused) return refused;

  const started = ctx.now();
  const r = await timedFetch(ctx, url, { redirect: 'manual' });
  const durationMs = Math.round(ctx.now() - started);
  if (!r.ok) return netFailure(base, url, r.reason, durationMs, r.browserError);
  const data = { url: url.toString(), httpStatus: r.status, timing: timingOf(ctx, url.toString()) };
  const slow = durationMs > SLOW_HTTPS_MS;
  return {
    ...base,
    status: slow ? 'warn' : 'pass',
    reason: slow ? 'slow' : 'ok',
    ...summaryOf(
      slow
        ? msg('sum_target_slow', url.host, durationMs)
        : msg('sum_target_ok', url.host, r.status || msg('phrase_http_ok'), durationMs),
    ),
    durationMs,
    data,
  };
}

export function timingOf(ctx: CheckContext, url: string): Record<string, number> | null {
  const t = ctx.timingFor?.(url);
  if (!t?.responseStart) return null;
  const ms = (a: number, b: number) => (a > 0 && b >= a ? Math.round(b - a) : 0);
  return {
    dnsMs: ms(t.domainLookupStart, t.domainLookupEnd),
    tcpMs: ms(t.connectStart, t.secureConnectionStart || t.connectEnd),
    tlsMs: ms(t.secureConnectionStart, t.connectEnd),
    ttfbMs: ms(t.requestStart, t.responseStart),
  };
}
