/**
 * Relay probe-port flags that stand in for every port the provider's tables name, on high ports, so a relay
 * without privileges (a developer's, or a test's) can answer the whole port matrix. Reports still speak of
 * the provider's ports: the relay tells the extension the map.
 *   TCP: provider port + 10000 (5096 -> 15096), + 20000 below 1024 (443 -> 20443; 10080 is a port browsers refuse).
 *   UDP: provider port - 10000 for ports >= 20000 (40000 -> 30000), + 10000 below (8801 -> 18801).
 * The relay's own media range must then stay clear of these: LOCAL_MEDIA_PORTS is.
 */
import { PROFILES, probeTargets } from '../src/profiles/index.ts';

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
  ];
}

/**
 * The relay on the provider's own port numbers (root or CAP_NET_BIND_SERVICE below 1024), as the lab runs it
 * (test/e2e/harness/lab-session.ts): every provider port is its own relay port. deploy/relay.json is the
 * same map as a config file.
 */
export function providerPortFlags(mediaPorts: string): string[] {
  const { tcp, udp } = providerProbePorts();
  return ['--probe-tcp', tcp.join(','), '--probe-udp', udp.join(','), '--media-ports', mediaPorts];
}

if (import.meta.main) {
  // `--provider-ports MEDIA_RANGE`: the flags for a relay on the provider's own port numbers.
  const [flag, media] = process.argv.slice(2);
  console.log(
    (flag === '--provider-ports' ? providerPortFlags(media ?? '41000-41019') : probePortFlags()).join(' '),
  );
}
