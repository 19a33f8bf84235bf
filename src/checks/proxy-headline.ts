/**
 * The headline when the browser reached the relay through a proxy. Pure.
 *
 * Phones and the provider's apps do not use the browser's proxy, so the headline says so first, then what is
 * blocked: Secure Voice rows the proxy refused ("blocked by the proxy (direct access not tested)"), rows
 * blocked on the direct path (UDP, which no web proxy carries), or the media check's failure; with nothing
 * blocked, the rows that answered only through the proxy (never counted open for phones).
 */
import * as v from 'valibot';
import { msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import { PortResultSchema, type ProxyReport, ProxyReportSchema, RouteSchema } from '../protocol/report.ts';
import { classifyProxy } from './ports/proxy-path.ts';
import { blockedSecureRows, rowRulesMessage } from './ports/rollup.ts';
import type { PortResult, RowResult } from './ports/types.ts';
import type { CheckResult } from './types.ts';

/** The proxy the port check found, or the one the browser named for HTTPS to the relay; null: none. */
export function proxyOfChecks(checks: readonly CheckResult[]): ProxyReport | null {
  const parsed = v.safeParse(ProxyReportSchema, checks.find((c) => c.id === 'port-matrix')?.data.proxy);
  if (parsed.success) return parsed.output;
  const route = v.safeParse(RouteSchema, checks.find((c) => c.id === 'relay-https')?.data.route);
  // Without the port check, only a proxy the browser named counts: the relay's own address is not known.
  return route.success && route.output.proxy
    ? classifyProxy({ relayAddress: null, https: route.output, probes: [] })
    : null;
}

const matrixOf = (checks: readonly CheckResult[]) => checks.find((c) => c.id === 'port-matrix')?.data;

/** The matrix's ports, validated (a stored report may come from anywhere). */
function portsOf(checks: readonly CheckResult[]): PortResult[] {
  const parsed = v.safeParse(v.array(PortResultSchema), matrixOf(checks)?.ports);
  return parsed.success ? parsed.output : [];
}

function rowsOf(checks: readonly CheckResult[]): RowResult[] {
  const rows = matrixOf(checks)?.rows;
  return Array.isArray(rows) ? (rows as RowResult[]) : [];
}

/** A row whose failed ports all failed at the proxy: the browser's path is blocked, the phone's unknown. */
function refusedByProxy(row: RowResult, ports: readonly PortResult[]): boolean {
  const failed = ports.filter(
    (p) =>
      p.row === row.row && (p.status === 'blocked' || p.status === 'refused' || p.status === 'proxy-blocked'),
  );
  return failed.length > 0 && failed.every((p) => p.status === 'proxy-blocked');
}

export interface ProxyHeadline {
  verdict: 'blocked' | 'degraded';
  message: Message;
}

/**
 * `mediaBlocked`: the media check's failure, if it failed. Returns the blocked headline when a Secure Voice
 * row is blocked (at the proxy or directly) or media failed, the degraded one otherwise.
 */
export function proxyHeadline(
  proxy: ProxyReport,
  checks: readonly CheckResult[],
  mediaBlocked: Message | null,
): ProxyHeadline {
  const name = proxy.proxy ?? msg('phrase_proxy_unnamed');
  const ports = portsOf(checks);
  const rows = rowsOf(checks);
  const { signaling, media } = blockedSecureRows(rows);
  const blocked = [...signaling, ...media];
  const atProxy = blocked.filter((r) => refusedByProxy(r, ports));
  const direct = blocked.filter((r) => !refusedByProxy(r, ports));
  const parts: Message[] = [];
  if (atProxy.length > 0) parts.push(msg('proxy_rows_refused', rowRulesMessage(atProxy)));
  if (direct.length > 0) parts.push(msg('proxy_rows_blocked', rowRulesMessage(direct)));
  if (direct.every((r) => r.transport !== 'udp') && mediaBlocked) parts.push(mediaBlocked);
  if (parts.length > 0) return { verdict: 'blocked', message: msg('headline_proxy_blocked', name, parts) };
  const via = rows.filter(
    (r) => r.secureVoice && ports.some((p) => p.row === r.row && p.status === 'via-proxy'),
  );
  const viaParts = via.length > 0 ? [msg('proxy_rows_via', rowRulesMessage(via))] : [];
  return { verdict: 'degraded', message: msg('headline_proxy_degraded', name, viaParts) };
}
