/**
 * TCP reachability of one port: a TLS connection (an HTTPS request) to the relay's listener for it. The
 * firewall decides at connection set-up, so a completed TLS handshake means the port is open.
 */
import * as v from 'valibot';
import { ProbePortResponse } from '../../protocol/relay-messages.ts';
import type { CheckContext } from '../context.ts';
import { timedFetch } from '../timed-fetch.ts';
import { TIMEOUTS } from '../timeouts.ts';
import { type InspectionEvidence, inspectionEvidence } from '../tls-inspection.ts';
import type { Route } from './proxy-path.ts';
import type { PortStatus } from './types.ts';

export interface TcpProbeResult {
  status: PortStatus;
  reason: string;
  ms: number;
  /** How the browser reached the port (through a proxy or not), when it said so. */
  route?: Route;
  /** The hello the relay received on this port lacked this browser's mark: something inspects TLS here. */
  inspection?: InspectionEvidence;
}

/** The probe's result with the route the browser reported for it, if any. */
async function withRoute(ctx: CheckContext, url: URL, r: TcpProbeResult): Promise<TcpProbeResult> {
  const route = await ctx.netErrors.routeFor?.(url.toString(), TIMEOUTS.netErrorWaitMs);
  return route ? { ...r, route } : r;
}

export async function tcpProbe(
  ctx: CheckContext,
  host: string,
  relayPort: number,
  timeoutMs: number,
): Promise<TcpProbeResult> {
  const url = new URL(`https://${host}:${relayPort}/probe-port`);
  return withRoute(ctx, url, await probeOnce(ctx, url, timeoutMs));
}

async function probeOnce(ctx: CheckContext, url: URL, timeoutMs: number): Promise<TcpProbeResult> {
  const started = ctx.now();
  const r = await timedFetch(ctx, url, { timeoutMs, readJson: true });
  const ms = Math.round(ctx.now() - started);
  if (r.ok) {
    // The answer is the relay's word on the hello it received (validated; a relay before it said nothing).
    const answer = v.safeParse(ProbePortResponse, r.json);
    const inspection = inspectionEvidence(ctx.tlsStack, answer.success ? answer.output.clientHello : null);
    return inspection
      ? { status: 'open', reason: 'ok', ms, inspection }
      : { status: 'open', reason: 'ok', ms };
  }
  switch (r.reason) {
    case 'connection-refused':
    case 'connection-reset':
      return { status: 'refused', reason: r.reason, ms };
    case 'timed-out':
      return { status: 'blocked', reason: r.reason, ms };
    case 'blocked-by-browser':
      return { status: 'browser-blocked', reason: r.reason, ms };
    case 'proxy-failed':
      // The browser's proxy refused the connection: the browser's path is blocked, a phone's is not known.
      return { status: 'proxy-blocked', reason: r.reason, ms };
    case 'network-error':
      // Without host permission for the relay the browser says nothing about why. A refusal (TCP reset)
      // comes back within a round trip, while a dropping firewall runs into the time limit, so an early
      // failure is a refusal.
      return ms < timeoutMs / 2
        ? { status: 'refused', reason: 'failed-fast', ms }
        : { status: 'error', reason: r.reason, ms };
    default:
      return { status: 'error', reason: r.reason, ms };
  }
}
