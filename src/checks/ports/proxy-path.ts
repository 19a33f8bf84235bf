/**
 * A proxy on the browser's path, from what the browser said about each connection to the relay. Pure.
 *
 * Offices often send browser traffic through an explicit web proxy and drop everything else; phones and the
 * provider's apps do not use that proxy. A TCP probe that got through the proxy therefore says nothing about
 * a phone's direct connection, and one the proxy refused says nothing either, except that the browser's path
 * is blocked: both are kept apart from direct results so they are never counted as open for phones.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { english } from '../../messages/render.ts';
import type { PortResult, ProxyEvidence, ProxyReport, Route } from '../../protocol/report.ts';
import { addressKind, canonicalIp } from '../../redaction/ip.ts';

export type { Route };

const strip = (a: string) => a.replace(/^\[|\]$/g, '');
const same = (a: string, b: string) =>
  (canonicalIp(strip(a)) ?? strip(a)) === (canonicalIp(strip(b)) ?? strip(b));
/** Addresses inside a network: where an office's proxy sits, and never where a relay on the internet does. */
const INSIDE = new Set(['private', 'loopback', 'link-local', 'shared']);

/**
 * How one connection went: 'proxy' when the browser named a proxy, or connected to an address inside the
 * network (the proxy's) while the relay's own is public; 'direct' when it connected to the relay's address;
 * 'unknown' when the browser said nothing (no access to the relay's host, a browser that does not report it)
 * or connected to another public address (a load balancer in front of the relay is as likely as a proxy).
 */
export function routeKind(
  route: Route | undefined,
  relayAddress: string | null,
): 'proxy' | 'direct' | 'unknown' {
  if (!route) return 'unknown';
  if (route.proxy) return 'proxy';
  if (!route.connectedTo || !relayAddress) return 'unknown';
  if (same(route.connectedTo, relayAddress)) return 'direct';
  const inside = INSIDE.has(addressKind(strip(route.connectedTo)) ?? '');
  return inside && addressKind(strip(relayAddress)) === 'public' ? 'proxy' : 'unknown';
}

/** The browser's reason for a failed probe that a proxy refused (src/checks/net-error.ts). */
export const PROXY_REFUSED_REASON = 'proxy-failed';

/**
 * A probe's status once its route is known: a refusal by the proxy is 'proxy-blocked', a pass through it
 * 'via-proxy'; everything else as measured.
 */
export function statusOnRoute(
  probe: { status: PortResult['status']; reason: string },
  kind: 'proxy' | 'direct' | 'unknown',
): PortResult['status'] {
  if (probe.reason === PROXY_REFUSED_REASON) return 'proxy-blocked';
  if (probe.status === 'open' && kind === 'proxy') return 'via-proxy';
  return probe.status;
}

export interface ProxyInput {
  /** The relay's own address (where the port probes go). */
  relayAddress: string | null;
  /** The HTTPS check's route to the relay, when the browser reported it. */
  https?: Route;
  /** The TCP probes with their routes, by provider port. */
  probes: ReadonlyArray<{ port: number; status: PortResult['status']; route?: Route }>;
}

/** The proxy the browser used, or null when nothing shows one. */
export function classifyProxy(input: ProxyInput): ProxyReport | null {
  const routes = [input.https, ...input.probes.map((p) => p.route)].filter((r): r is Route => !!r);
  const named = routes.find((r) => r.proxy)?.proxy ?? null;
  const elsewhere =
    routes
      .filter((r) => routeKind(r, input.relayAddress) === 'proxy')
      .map((r) => r.connectedTo)
      .find((a): a is string => !!a) ?? null;
  const viaProxy = ports(input.probes, 'via-proxy');
  const proxyBlocked = ports(input.probes, 'proxy-blocked');
  const evidence: ProxyEvidence | null = named
    ? 'browser-proxy-info'
    : proxyBlocked.length > 0
      ? 'proxy-refused'
      : elsewhere
        ? 'other-address'
        : null;
  if (!evidence) return null;
  const proxy = named ?? (elsewhere ? (canonicalIp(strip(elsewhere)) ?? strip(elsewhere)) : null);
  const summary = proxySummary(proxy, viaProxy, proxyBlocked);
  return { evidence, proxy, viaProxy, proxyBlocked, summary: english(summary), summaryMessage: summary };
}

function ports(probes: ProxyInput['probes'], status: PortResult['status']): number[] {
  return [...new Set(probes.filter((p) => p.status === status).map((p) => p.port))].sort((a, b) => a - b);
}

/** "The browser reaches the relay through a proxy (X): …", then which ports went through it or were refused. */
function proxySummary(proxy: string | null, viaProxy: number[], proxyBlocked: number[]): Message {
  const parts: Message[] = [proxy ? msg('proxy_named', proxy) : msg('proxy_unnamed')];
  if (viaProxy.length > 0) parts.push(msg('proxy_ports_via', portList(viaProxy)));
  if (proxyBlocked.length > 0) parts.push(msg('proxy_ports_refused', portList(proxyBlocked)));
  return msg('join_sentences', parts);
}

const portList = (list: readonly number[]) => list.map(String).join(', ');
