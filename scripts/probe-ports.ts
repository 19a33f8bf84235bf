/**
 * Relay probe-port flags that stand in for every port the provider's tables name, on high ports, so a relay
 * without privileges (a developer's, or a test's) can answer the whole port matrix. Reports still speak of
 * the provider's ports: the relay tells the extension the map.
 *   TCP: provider port + 10000 (5096 -> 15096), + 20000 below 1024 (443 -> 20443; 10080 is a port browsers refuse).
 *   UDP: provider port - 10000 for ports >= 20000 (40000 -> 30000), + 10000 below (8801 -> 18801).
 * The relay's own media range must then stay clear of these: LOCAL_MEDIA_PORTS is, and stands in for the
 * provider's SRTP ranges (--media-stand-in), so reports name the range the media port stands in for.
 * This map keeps the fixed ends and middle of each large range (the extension then probes those three, and
 * says so: "open on the 3 sampled ports of 10,000"): ranges on high ports would have the relay listen on
 * 128 random ports of each inside the machine's ephemeral port range, where the browser's own sockets live.
 * A relay on the provider's numbers (providerPortFlags, deploy/relay.json) is given the ranges whole.
 */
import { PROFILES, probeTargets } from '../src/profiles/index.ts';
import { rangeSize, SAMPLES_PER_RANGE } from '../src/profiles/sample-ports.ts';
import type { PortRange } from '../src/profiles/types.ts';

export const LOCAL_MEDIA_PORTS = '56000-56199';

const tcpRelayPort = (p: number) => (p < 1024 ? p + 20_000 : p + 10_000);
const udpRelayPort = (p: number) => (p >= 20_000 ? p - 10_000 : p + 10_000);

/** Every provider port the profiles probe (browser-restricted ones left out), ascending. */
export function providerProbePorts(): { tcp: number[]; udp: number[] } {
  const tcp = new Set<number>();
  const udp = new Set<number>();
  for (const profile of PROFILES) {
    for (const t of probeTargets(profile)) {
      if (t.browserRestricted) continue;
      (t.transport === 'tcp' ? tcp : udp).add(t.port);
    }
  }
  const sorted = (ports: Set<number>) => [...ports].sort((a, b) => a - b);
  return { tcp: sorted(tcp), udp: sorted(udp) };
}

export function probePortFlags(): string[] {
  const { tcp, udp } = providerProbePorts();
  const list = (ports: number[], map: (p: number) => number) => ports.map((p) => `${p}:${map(p)}`).join(',');
  return [
    '--probe-tcp',
    list(tcp, tcpRelayPort),
    '--probe-udp',
    list(udp, udpRelayPort),
    '--media-ports',
    LOCAL_MEDIA_PORTS,
    // The media range stands in for the provider's SRTP ranges, as the probe ports for theirs: reports say so.
    '--media-stand-in',
    'on',
  ];
}

/**
 * The relay on the provider's own port numbers (root or CAP_NET_BIND_SERVICE below 1024), as the lab runs it
 * (test/e2e/harness/lab-session.ts): every provider port is its own relay port. deploy/relay.json is the
 * same map as a config file.
 */
export function providerPortFlags(media: { desk: string; apps: string }): string[] {
  const { tcp, udp } = providerProbeEntries();
  return [
    ...['--probe-tcp', tcp.join(','), '--probe-udp', udp.join(',')],
    ...['--media-ports', media.desk, '--media-ports-apps', media.apps],
  ];
}

/**
 * The provider's probe ports as the relay takes them on their own numbers: single ports, and each large range
 * whole ("40000-49999"), of which the relay listens on a sample drawn at every start and each run draws from
 * that (the fixed samples inside a large range are then left out).
 */
export function providerProbeEntries(): { tcp: Array<number | string>; udp: Array<number | string> } {
  const { tcp, udp } = providerProbePorts();
  const large = largeRanges();
  const list = (transport: 'tcp' | 'udp', singles: number[]) => [
    ...singles.filter((p) => !large[transport].some((r) => p >= r.from && p <= r.to)),
    ...large[transport].map((r) => `${r.from}-${r.to}`),
  ];
  return { tcp: list('tcp', tcp), udp: list('udp', udp) };
}

/** The ranges of the profiles too large to probe whole (more than SAMPLES_PER_RANGE ports), per transport. */
function largeRanges(): { tcp: PortRange[]; udp: PortRange[] } {
  const out = { tcp: new Map<string, PortRange>(), udp: new Map<string, PortRange>() };
  for (const profile of PROFILES) {
    for (const row of profile.rows) {
      if (row.probe.kind === 'not-testable') continue;
      for (const r of row.providerPorts) {
        if (rangeSize(r) > SAMPLES_PER_RANGE) out[row.transport].set(`${r.from}-${r.to}`, r);
      }
    }
  }
  const sorted = (m: Map<string, PortRange>) => [...m.values()].sort((a, b) => a.from - b.from);
  return { tcp: sorted(out.tcp), udp: sorted(out.udp) };
}

if (import.meta.main) {
  // `--provider-ports [DESK_MEDIA [APP_MEDIA]]`: the flags for a relay on the provider's own port numbers.
  const [flag, desk, apps] = process.argv.slice(2);
  const media = { desk: desk ?? '41000-41019', apps: apps ?? '61000-61019' };
  console.log((flag === '--provider-ports' ? providerPortFlags(media) : probePortFlags()).join(' '));
}
