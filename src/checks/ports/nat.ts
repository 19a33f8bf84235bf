/**
 * NAT behaviour from what the relay saw. Pure.
 * - The same public address and port seen at two different relay UDP ports: endpoint-independent mapping
 *   (friendly to media). Different ports: symmetric NAT, where media may need a TURN relay.
 * - The public address seen over HTTPS differs from the one seen over STUN: web and UDP traffic leave through
 *   different paths (VPN split tunnel, proxy).
 */
import type { ProbeBinding } from '../../protocol/relay-messages.ts';
import type { NatMapping, NatReport } from '../../protocol/report.ts';

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
  const pathsDiffer = udpAddress && httpsAddress ? httpsAddress !== udpAddress && !bothLocal : null;
  const natDetected = udpAddress === null || locals.size === 0 ? null : !locals.has(udpAddress);
  const parts: string[] = [];
  if (natDetected === true)
    parts.push('This computer is behind NAT (a firewall/router translates its address).');
  if (natDetected === false) parts.push('No NAT between this computer and the relay.');
  if (mapping === 'symmetric') {
    parts.push(
      'The NAT is symmetric: each destination gets a new mapping, so media may need a relay (TURN).',
    );
  }
  if (mapping === 'endpoint-independent' && natDetected !== false) {
    parts.push('The NAT keeps one mapping for all destinations (good for media).');
  }
  if (pathsDiffer) {
    parts.push('Web and UDP traffic leave through different public addresses (VPN split tunnel or proxy).');
  }
  if (parts.length === 0) parts.push('Not enough UDP answers to tell the NAT behaviour.');
  return { natDetected, mapping, pathsDiffer, summary: parts.join(' '), portsCompared: distinct.length };
}
