/**
 * NAT behaviour from what the relay saw. Pure.
 * - The same public address and port seen at two different relay UDP ports: endpoint-independent mapping
 *   (friendly to media). Different ports: symmetric NAT, which does not stop media to the provider's servers
 *   (they answer where packets came from); only direct device-to-device media would need a TURN relay.
 * - The public address seen over HTTPS differs from the one seen over STUN: web and UDP traffic leave through
 *   different paths (VPN split tunnel, proxy).
 */

import { msg } from '../../messages/catalog.ts';
import { english } from '../../messages/render.ts';
import type { ProbeBinding } from '../../protocol/relay-messages.ts';
import type { NatMapping, NatReport } from '../../protocol/report.ts';
import { addressFamily } from '../address-family.ts';

type NatSentence =
  | 'nat_behind'
  | 'nat_none'
  | 'nat_symmetric'
  | 'nat_endpoint_independent'
  | 'nat_paths_differ'
  | 'nat_unknown';

const strip = (a: string) => a.replace(/^::ffff:/i, '');

/**
 * A host candidate hidden behind an mDNS name (`<uuid>.local`, as Firefox and Chrome give web pages, and
 * Firefox may give an extension): it names no address, so it cannot be compared with what the relay saw.
 */
export function isMdnsName(address: string): boolean {
  return /\.local\.?$/i.test(address);
}

export function classifyNat(
  bindings: readonly ProbeBinding[],
  httpsClientAddress: string | null,
  localAddresses: readonly string[],
): NatReport {
  const byPort = new Map<number, ProbeBinding>();
  for (const b of bindings) if (!byPort.has(b.relayPort)) byPort.set(b.relayPort, b);
  const distinct = [...byPort.values()];
  const mappings = new Set(distinct.map((b) => `${strip(b.remoteAddress)}:${b.remotePort}`));
  const mapping: NatMapping =
    distinct.length < 2 ? 'unknown' : mappings.size === 1 ? 'endpoint-independent' : 'symmetric';
  const udpAddress = distinct[0] ? strip(distinct[0].remoteAddress) : null;
  // Hidden local addresses are left out, not counted as "not this one": with only those, NAT is unknown.
  const locals = new Set(localAddresses.filter((a) => !isMdnsName(a)).map(strip));
  const httpsAddress = httpsClientAddress ? strip(httpsClientAddress) : null;
  // Two of this machine's own addresses (a multi-homed machine talking directly) are not two paths out.
  const bothLocal =
    httpsAddress !== null && udpAddress !== null && locals.has(httpsAddress) && locals.has(udpAddress);
  // Over two IP versions (web over IPv6, UDP through the IPv4 NAT on a dual-stack network) the addresses
  // differ by nature: that is no second path, and nothing to compare.
  const sameFamily =
    udpAddress !== null && httpsAddress !== null && addressFamily(udpAddress) === addressFamily(httpsAddress);
  const pathsDiffer =
    udpAddress && httpsAddress && sameFamily ? httpsAddress !== udpAddress && !bothLocal : null;
  const natDetected = udpAddress === null || locals.size === 0 ? null : !locals.has(udpAddress);
  const parts: NatSentence[] = [];
  if (natDetected === true) parts.push('nat_behind');
  if (natDetected === false) parts.push('nat_none');
  if (mapping === 'symmetric') parts.push('nat_symmetric');
  if (mapping === 'endpoint-independent' && natDetected !== false) parts.push('nat_endpoint_independent');
  if (pathsDiffer) parts.push('nat_paths_differ');
  if (parts.length === 0) parts.push('nat_unknown');
  const summary = msg(
    'join_sentences',
    parts.map((key) => msg(key)),
  );
  return {
    natDetected,
    mapping,
    pathsDiffer,
    summary: english(summary),
    summaryMessage: summary,
    portsCompared: distinct.length,
  };
}
