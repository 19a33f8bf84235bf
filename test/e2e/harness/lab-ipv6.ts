/**
 * IPv6 in the lab (harness/lab.ts): the same three namespaces get addresses from the documentation prefix
 * (2001:db8::/32, RFC 3849; like the lab's IPv4 ranges it exists only here). Not ULA (fd00::/8): by the
 * address selection rules (RFC 6724) a browser prefers IPv4 over a ULA destination, while a provider's
 * global IPv6 address is preferred over IPv4, as here.
 *
 *   client  2001:db8:77::10  --lan--  router 2001:db8:77::1 | 2001:db8:113::1  --wan--  provider 2001:db8:113::10
 *
 * The router routes IPv6 (no NAT66, as ISPs hand out prefixes) through a stateful ip6tables firewall:
 * scenario rules (SVC-FWD6) first, then replies, then LAN to WAN, the rest dropped. ICMPv6 passes
 * (neighbour discovery, "packet too big"). Every namespace rejects IPv6 output outside the lab, as lab.ts
 * does for IPv4. The lab's DNS server answers AAAA for the relay's name (lab.ts gives it both records).
 */

import type { Lab } from './lab.ts';
import { LAB } from './lab-addresses.ts';
import type { BareNetns } from './netns.ts';

export const LAB6 = {
  lan: { cidr: '2001:db8:77::/64', router: '2001:db8:77::1', client: '2001:db8:77::10' },
  wan: { cidr: '2001:db8:113::/64', router: '2001:db8:113::1', provider: '2001:db8:113::10' },
} as const;

/**
 * The relay's flags for the IPv6 lab files that judge the ports: HTTPS, WSS and the probe ports on both IP
 * versions, media on its IPv4 address only (so media is not what an IPv6 firewall rule breaks). A function:
 * lab.ts imports this file, so LAB is not yet defined while this one loads.
 */
export const relayArgsIpv6Ports = (): string[] => [
  ...['--host', '::', '--media-address', LAB.wan.provider, '--probe-address', LAB.wan.provider],
  ...['--probe-address6', LAB6.wan.provider],
];

/** The router's rule that lets the LAN open connections to the provider's network (iptables or ip6tables). */
export const lanToWan = (lan: string, wan: string): string[] => [
  '-A',
  'FORWARD',
  '-i',
  'lan0',
  '-o',
  'wan0',
  '-s',
  lan,
  '-d',
  wan,
  '-j',
  'ACCEPT',
];

/** The chain IPv6 scenarios write to, in the router's ip6tables FORWARD. */
export const SCENARIO_CHAIN6 = 'SVC-FWD6';

export interface Lab6 {
  /** Appends a rule to the router's IPv6 scenario chain, e.g. ['-i', 'lan0', '-p', 'udp', '-j', 'DROP']. */
  forward6(rule: string[]): Promise<void>;
  /** Flushes the IPv6 scenario rules. */
  reset6(): Promise<void>;
}

async function ip6tables(ns: BareNetns, args: string[]): Promise<void> {
  const r = await ns.exec(['ip6tables', '-w', ...args]);
  if (r.code !== 0) throw new Error(`ip6tables ${args.join(' ')} in ${ns.name}: ${r.stderr.trim()}`);
}

/** Turns IPv6 on for the namespace and its interfaces (createBareNetns turns it off). */
async function enableIpv6(ns: BareNetns, interfaces: string[]): Promise<void> {
  for (const scope of ['all', 'default', 'lo', ...interfaces]) {
    await ns.sysctl(`net.ipv6.conf.${scope}.disable_ipv6`, '0');
  }
  // No router advertisements: the addresses and routes are the lab's own.
  for (const scope of ['all', 'default', ...interfaces])
    await ns.sysctl(`net.ipv6.conf.${scope}.accept_ra`, '0');
}

/** Rejects IPv6 output to anything outside the lab (ICMPv6 stays: neighbour discovery needs it). */
async function guardOutput6(ns: BareNetns): Promise<void> {
  await ip6tables(ns, ['-A', 'OUTPUT', '-o', 'lo', '-j', 'ACCEPT']);
  await ip6tables(ns, ['-A', 'OUTPUT', '-p', 'ipv6-icmp', '-j', 'ACCEPT']);
  await ip6tables(ns, ['-A', 'OUTPUT', '-d', LAB6.lan.cidr, '-j', 'ACCEPT']);
  await ip6tables(ns, ['-A', 'OUTPUT', '-d', LAB6.wan.cidr, '-j', 'ACCEPT']);
  await ip6tables(ns, ['-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
  await ip6tables(ns, ['-A', 'OUTPUT', '-j', 'REJECT', '--reject-with', 'adm-prohibited']);
}

/** Gives the lab's namespaces IPv6 addresses and routes, and the router its IPv6 firewall. */
export async function addIpv6(lab: Lab): Promise<Lab6> {
  const { client, router, provider } = lab;
  await enableIpv6(router, ['lan0', 'wan0']);
  await enableIpv6(client, ['eth0']);
  await enableIpv6(provider, ['eth0']);
  // nodad: the addresses are usable at once (duplicate address detection would hold them ~1 s).
  await router.ip(['-6', 'addr', 'add', `${LAB6.lan.router}/64`, 'dev', 'lan0', 'nodad']);
  await router.ip(['-6', 'addr', 'add', `${LAB6.wan.router}/64`, 'dev', 'wan0', 'nodad']);
  await client.ip(['-6', 'addr', 'add', `${LAB6.lan.client}/64`, 'dev', 'eth0', 'nodad']);
  await client.ip(['-6', 'route', 'add', 'default', 'via', LAB6.lan.router]);
  await provider.ip(['-6', 'addr', 'add', `${LAB6.wan.provider}/64`, 'dev', 'eth0', 'nodad']);
  await provider.ip(['-6', 'route', 'add', LAB6.lan.cidr, 'via', LAB6.wan.router]);
  await router.sysctl('net.ipv6.conf.all.forwarding', '1');
  await router.sysctl('net.ipv6.icmp.ratelimit', '0');

  for (const ns of [client, router, provider]) await guardOutput6(ns);
  await ip6tables(router, ['-N', SCENARIO_CHAIN6]);
  await ip6tables(router, ['-A', 'FORWARD', '-j', SCENARIO_CHAIN6]);
  await ip6tables(router, [
    '-A',
    'FORWARD',
    '-m',
    'conntrack',
    '--ctstate',
    'ESTABLISHED,RELATED',
    '-j',
    'ACCEPT',
  ]);
  await ip6tables(router, ['-A', 'FORWARD', '-p', 'ipv6-icmp', '-j', 'ACCEPT']);
  await ip6tables(router, lanToWan(LAB6.lan.cidr, LAB6.wan.cidr));
  await ip6tables(router, ['-A', 'FORWARD', '-j', 'DROP']);
  return {
    forward6: (rule) => ip6tables(router, ['-A', SCENARIO_CHAIN6, ...rule]),
    reset6: () => ip6tables(router, ['-F', SCENARIO_CHAIN6]),
  };
}
