/**
 * HTTPS to the relay's probe endpoint: reachability, plus the TLS version and cipher the relay negotiated and
 * the address it saw. The address is kept in full here, as evidence on this computer; a shared report is
 * redacted when it leaves (src/share/prepare-share.ts). TLS below 1.2 fails: the provider uses TLS 1.2 for
 * web sessions.
 */
import * as v from 'valibot';
import { msg } from '../messages/catalog.ts';
import { ProbeResponse } from '../protocol/relay-messages.ts';
import { probeUrlFor } from '../protocol/settings.ts';
import { addressFamily } from './address-family.ts';
import type { CheckContext } from './context.ts';
import { netFailure, restrictedPortFailure } from './failure.ts';
import { timingOf } from './https-reachability.ts';
import { diagnoseStall } from './stall-diagnosis.ts';
import { timedFetch } from './timed-fetch.ts';
import { TIMEOUTS } from './timeouts.ts';
import { inspectionEvidence } from './tls-inspection.ts';
import { isTlsTooOld } from './tls-version.ts';
import type { CheckResult } from './types.ts';
import { summaryOf, titleOf } from './words.ts';

export const RELAY_HTTPS = { id: 'relay-https', ...titleOf(msg('title_relay_https')) };

export async function checkRelayHttps(relayUrl: string, ctx: CheckContext): Promise<CheckResult> {
  const url = new URL(probeUrlFor(relayUrl));
  const refused = restrictedPortFailure(RELAY_HTTPS, url);
  if (refused) return refused;

  const started = ctx.now();
  const r = await timedFetch(ctx, url, { readJson: true });
  if (!r.ok && r.reason === 'timed-out') {
    // The first step to the relay: worth a second look before blaming a firewall (DNS? TLS stall?).
    const { reason, ...evidence } = await diagnoseStall(ctx, url);
    const durationMs = Math.round(ctx.now() - started);
    return netFailure(RELAY_HTTPS, url, reason, durationMs, r.browserError, { diagnosis: evidence });
  }
  const durationMs = Math.round(ctx.now() - started);
  if (!r.ok) return netFailure(RELAY_HTTPS, url, r.reason, durationMs, r.browserError);
  const httpStatus = r.status;
  const body = r.json;
  const parsed = v.safeParse(ProbeResponse, body);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    // Where the answer broke the schema (e.g. "relayVersion: Invalid length"): support can tell a wrong URL
    // (no such field) from a relay that answers something oversized.
    const problem =
      r.bodyError ?? `${(issue && v.getDotPath(issue)) || '(top level)'}: ${issue?.message ?? 'invalid'}`;
    return {
      ...RELAY_HTTPS,
      status: 'fail',
      reason: 'relay-bad-response',
      step: 'http',
      ...summaryOf(msg('sum_https_bad_response', url.host, httpStatus)),
      durationMs,
      data: { url: url.toString(), httpStatus, problem: problem.slice(0, 200) },
    };
  }
  const probe = parsed.output;
  // Whether the browser went through a proxy (Firefox names it; both give the address they connected to).
  const route = await ctx.netErrors.routeFor?.(url.toString(), TIMEOUTS.netErrorWaitMs);
  const data = {
    ...(route ? { route } : {}),
    url: url.toString(),
    httpStatus,
    tlsVersion: probe.tls.protocol,
    tlsCipher: probe.tls.cipher,
    clientAddress: probe.clientAddress,
    // Which IP version reached the relay: the address it saw is this computer's (or its NAT's) on that path.
    addressFamily: addressFamily(probe.clientAddress),
    relayVersion: probe.relayVersion,
    timing: timingOf(ctx, url.toString()),
  };
  if (isTlsTooOld(probe.tls.protocol)) {
    return {
      ...RELAY_HTTPS,
      status: 'fail',
      reason: 'tls-too-old',
      step: 'tls',
      ...summaryOf(msg('sum_https_tls_too_old', probe.tls.protocol ?? msg('phrase_unknown_tls_version'))),
      durationMs,
      data,
    };
  }
  const inspected = inspectionEvidence(ctx.tlsStack, probe.clientHello);
  if (inspected) {
    return {
      ...RELAY_HTTPS,
      status: 'warn',
      reason: 'tls-inspected',
      step: 'tls',
      ...summaryOf(
        msg(
          'sum_https_tls_inspected',
          url.host,
          msg(
            inspected.missing === 'grease' ? 'phrase_hello_no_grease' : 'phrase_hello_no_record_size_limit',
          ),
        ),
      ),
      durationMs,
      data: { ...data, inspection: inspected },
    };
  }
  return {
    ...RELAY_HTTPS,
    status: 'pass',
    reason: 'ok',
    ...summaryOf(
      data.addressFamily
        ? msg('sum_https_ok_family', data.addressFamily, probe.tls.protocol ?? 'TLS', durationMs)
        : msg('sum_https_ok', probe.tls.protocol ?? 'TLS', durationMs),
    ),
    durationMs,
    data,
  };
}
