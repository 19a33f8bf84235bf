/**
 * TCP reachability of one port: a TLS connection (an HTTPS request) to the relay's listener for it. The
 * firewall decides at connection set-up, so a completed TLS handshake means the port is open.
 */
import type { CheckContext } from '../context.ts';
import { timedFetch } from '../timed-fetch.ts';
import type { PortStatus } from './types.ts';

export interface TcpProbeResult {
  status: PortStatus;
  reason: string;
  ms: number;
}

export async function tcpProbe(
  ctx: CheckContext,
  host: string,
  relayPort: number,
  timeoutMs: number,
): Promise<TcpProbeResult> {
  const started = ctx.now();
  const url = new URL(`https://${host}:${relayPort}/probe-port`);
  const r = await timedFetch(ctx, url, { timeoutMs });
  const ms = Math.round(ctx.now() - started);
  if (r.ok) return { status: 'open', reason: 'ok', ms };
  switch (r.reason) {
    case 'connection-refused':
    case 'connection-reset':
      return { status: 'refused', reason: r.reason, ms };
    case 'timed-out':
      return { status: 'blocked', reason: r.reason, ms };
    case 'blocked-by-browser':
      return { status: 'browser-blocked', reason: r.reason, ms };
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
