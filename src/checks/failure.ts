import { isBrowserRestrictedPort, portOf } from '../profiles/unsafe-ports.ts';
import type { CheckContext } from './context.ts';
import { classifyNetError, dnsReasonAfter, explainNetReason, type NetReason, stepFor } from './net-error.ts';
import { TIMEOUTS } from './timeouts.ts';
import type { CheckResult } from './types.ts';
import { summaryOf } from './words.ts';

/** Who a result belongs to: the check's id and title. */
export type CheckBase = Pick<CheckResult, 'id' | 'title' | 'titleMessage'>;

/** A failed network step as a check result, with the browser's own error string as evidence. */
export function netFailure(
  base: CheckBase,
  url: URL,
  reason: NetReason,
  durationMs: number,
  browserError: string | undefined,
  extra: Record<string, unknown> = {},
): CheckResult {
  return {
    ...base,
    status: 'fail',
    reason,
    step: stepFor(reason),
    ...summaryOf(explainNetReason(reason, url.host)),
    durationMs,
    data: { url: url.toString(), browserError: browserError ?? null, ...extra },
  };
}

/**
 * Classifies a failed connection: our own timeout wins, then the browser's report, then the port list.
 * `elapsedMs`, how long the attempt took, tells a DNS server that answered "no" from one that never answered.
 */
export async function classifyFailure(
  ctx: CheckContext,
  url: URL,
  timedOut: boolean,
  elapsedMs = 0,
): Promise<{ reason: NetReason; browserError: string | undefined }> {
  const browserError = await ctx.netErrors.errorFor(url.toString(), TIMEOUTS.netErrorWaitMs);
  const named = classifyNetError(browserError);
  const classified = named === 'dns-failure' ? dnsReasonAfter(elapsedMs) : named;
  // Our own abort shows up as a generic error (net::ERR_ABORTED): the real cause is the timeout.
  if (timedOut && classified === 'network-error') return { reason: 'timed-out', browserError };
  if (classified === 'network-error' && isBrowserRestrictedPort(url)) {
    return { reason: 'blocked-by-browser', browserError };
  }
  return { reason: classified, browserError };
}

/** Refuses before trying when the browser is known to block the port: never blame the firewall for it. */
export function restrictedPortFailure(base: CheckBase, url: URL): CheckResult | null {
  if (!isBrowserRestrictedPort(url)) return null;
  return netFailure(base, url, 'blocked-by-browser', 0, undefined, { port: portOf(url) });
}
