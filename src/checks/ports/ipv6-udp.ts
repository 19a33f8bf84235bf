/**
 * The UDP ports over IPv6, where the relay listens on both families (probe-session's address6): the same
 * sampled ports probed again by ICE to the relay's IPv6 address, rolled up per row, and compared with IPv4.
 * A firewall often has rules for IPv4 only, so a phone or app that prefers IPv6 fails where the IPv4 check
 * passed. TCP needs no second pass: the TCP probes go to the relay's name, over the family the browser
 * chose for it (the HTTPS check says which).
 *
 * Judged only where this computer reached the relay over IPv6 at all (its WSS connection came over IPv6, or
 * an IPv6 probe was answered): on a network without IPv6 every IPv6 probe goes unanswered, and that is no
 * firewall's fault.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { ProbeTarget } from '../../profiles/sample-ports.ts';
import type { Profile } from '../../profiles/types.ts';
import type { ProbeBinding } from '../../protocol/relay-messages.ts';
import type { IceProbeBatch, IceProbeTarget } from '../../protocol/runtime-messages.ts';
import { addressFamily } from '../address-family.ts';
import type { ProbeSessionInfo } from './probe-session.ts';
import { RELAY_ANSWERED } from './relay-answered.ts';
import { rollUpRows } from './rollup.ts';
import { withSecondLook } from './second-look.ts';
import type { PortResult, RowResult } from './types.ts';

export interface Ipv6UdpResult {
  /** The relay's IPv6 address the ports were probed on. */
  address: string;
  /** 'measured', or why not: this computer did not reach the relay over IPv6. */
  outcome: 'measured' | 'no-ipv6-path';
  ports: Array<{ port: number; status: PortResult['status'] }>;
  /** The UDP rows as IPv6 sees them. */
  rows: Array<Pick<RowResult, 'row' | 'ports' | 'status' | 'secureVoice' | 'purpose'>>;
  /** Secure Voice UDP rows blocked (or partly) over IPv6 while IPv4 found them open. */
  blockedOnlyOverIpv6: string[];
  /** What the summary adds, in the user's words. */
  sentence: Message;
}

type IceProbes = (targets: IceProbeTarget[], timeoutMs: number) => Promise<IceProbeBatch>;

/** Probes the UDP targets on address6 (silent ones twice, see second-look.ts) and compares the rows with IPv4's. */
export async function probeUdpOverIpv6(opts: {
  info: ProbeSessionInfo;
  profile: Profile;
  targets: readonly ProbeTarget[];
  ipv4Rows: readonly RowResult[];
  iceProbes: IceProbes;
  /** The checks the relay answered for this session, over either IP version. */
  observed: () => Promise<ProbeBinding[]>;
  timeoutMs: number;
}): Promise<Ipv6UdpResult | null> {
  const { info, profile } = opts;
  const address = info.address6;
  if (!address) return null;
  const unbound = new Set((info.unbound6 ?? []).map((u) => `${u.transport}:${u.providerPort}`));
  const iceTargets: IceProbeTarget[] = [];
  for (const t of opts.targets) {
    if (t.transport !== 'udp' || t.browserRestricted || unbound.has(`udp:${t.port}`)) continue;
    const mapped = info.udp.find((m) => m.providerPort === t.port);
    if (mapped) iceTargets.push({ address, relayPort: mapped.relayPort, providerPort: t.port });
  }
  if (iceTargets.length === 0) return null;
  const batch = await opts.iceProbes(iceTargets, opts.timeoutMs);
  // The same second look as over IPv4; only the relay's records of checks that came over IPv6 count.
  const results = await withSecondLook({
    first: batch.results,
    targets: iceTargets,
    iceProbes: (t) => opts.iceProbes(t, opts.timeoutMs),
    observed: opts.observed,
    family: 'IPv6',
  });
  const ports = results.map((r) => ({ port: r.providerPort, status: r.status }));

  // This computer has an IPv6 path: its WSS came over IPv6, an IPv6 probe was answered, or the browser
  // offered an IPv6 address of its own for the probes (one that is not link-local).
  const reachedOverIpv6 =
    addressFamily(info.clientAddress) === 'IPv6' ||
    results.some((r) => r.status === 'open') ||
    batch.localAddresses.some((a) => addressFamily(a) === 'IPv6' && !/^fe[89ab]/i.test(a));
  const udpRowIds = new Set(profile.rows.filter((r) => r.transport === 'udp').map((r) => r.id));
  const portResults: PortResult[] = [];
  for (const t of opts.targets) {
    const r = results.find((x) => x.providerPort === t.port);
    if (t.transport !== 'udp' || !r) continue;
    for (const row of t.rowIds) {
      portResults.push({
        profile: profile.id,
        row,
        protocol: profile.rows.find((x) => x.id === row)?.protocol ?? '',
        transport: 'udp',
        port: t.port,
        status: r.status,
        reason: r.reason,
        // The browser timed nothing for a port only the relay saw answered.
        ms: r.reason === RELAY_ANSWERED ? null : r.ms,
      });
    }
  }
  const rows = rollUpRows(profile, portResults)
    .filter((r) => udpRowIds.has(r.row) && r.status !== 'not-testable')
    .map(({ row, ports: p, status, secureVoice, purpose }) => ({
      row,
      ports: p,
      status,
      secureVoice,
      purpose,
    }));
  if (!reachedOverIpv6) {
    return {
      address,
      outcome: 'no-ipv6-path',
      ports,
      rows,
      blockedOnlyOverIpv6: [],
      sentence: msg('sum_ports_ipv6_no_path'),
    };
  }
  const openOverIpv4 = new Set(opts.ipv4Rows.filter((r) => r.status === 'open').map((r) => r.row));
  const blocked = rows.filter(
    (r) => r.secureVoice && (r.status === 'blocked' || r.status === 'partial') && openOverIpv4.has(r.row),
  );
  return {
    address,
    outcome: 'measured',
    ports,
    rows,
    blockedOnlyOverIpv6: blocked.map((r) => r.row),
    sentence:
      blocked.length > 0
        ? msg(
            'sum_ports_ipv6_udp_blocked',
            blocked.map((r) => msg('port_rule_for', 'UDP', r.ports, r.purpose)),
          )
        : rows.every((r) => r.status === 'open')
          ? msg('sum_ports_ipv6_udp_open')
          : msg('sum_ports_ipv6_udp_unclear'),
  };
}
