/**
 * The relay's record of the checks it answered in one probe session, which the port check reads to call a
 * silent port open ("relay answered"): each IP version has its own room, and repeats of a port already
 * answered (from another interface, from the second look's new socket) never take the room the first answer
 * on each probed port needs. Bounded whatever a client sends.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROFILES, type ProfileRow, probeTargets } from '../../../src/profiles/index.ts';
import {
  MAX_PROBE_BINDINGS,
  MAX_PROBE_BINDINGS_PER_FAMILY,
  MAX_PROBED_UDP_PORTS,
  type ProbeBinding,
} from '../../../src/protocol/relay-messages.ts';
import { familyOf, ProbeRegistry } from '../../../src/relay/core/probe-sessions.ts';

const IPV4_INTERFACES = ['192.0.2.10', '198.51.100.7', '203.0.113.20'];
const IPV6_INTERFACES = ['2001:db8::10', '2001:db8:1::7', '2001:db8:2::20'];
/** The relay ports standing in for one check's UDP ports. */
const PORTS = Array.from({ length: MAX_PROBED_UDP_PORTS }, (_, i) => 30000 + i);

const binding = (relayPort: number, remoteAddress: string, remotePort = 50000): ProbeBinding => ({
  relayPort,
  providerPort: relayPort + 10000,
  remoteAddress,
  remotePort,
});

function session() {
  const r = new ProbeRegistry({ random: (n) => randomBytes(n) });
  const s = r.start(1, 0);
  if (!s.ok) throw new Error('refused');
  return { r, ufrag: s.ufrag, observed: () => r.results(1, s.ufrag)?.bindings ?? [] };
}

/** One pass over every port, each check answered from every interface (port by port, as they arrive). */
function pass(record: (b: ProbeBinding) => void, interfaces: readonly string[], remotePort: number) {
  for (const port of PORTS) for (const address of interfaces) record(binding(port, address, remotePort));
}

const answeredPorts = (bindings: readonly ProbeBinding[], family: 'IPv4' | 'IPv6') =>
  new Set(bindings.filter((b) => familyOf(b.remoteAddress) === family).map((b) => b.relayPort));

describe('probe session bindings, per IP version', () => {
  it('keeps the first answer on every probed port through three interfaces, the second look and the IPv6 pass', () => {
    const { r, ufrag, observed } = session();
    const record = (b: ProbeBinding) => r.record(ufrag, b);
    pass(record, IPV4_INTERFACES, 50000);
    // The second look probes every port again from new sockets.
    pass(record, IPV4_INTERFACES, 50001);
    pass(record, IPV6_INTERFACES, 50000);
    pass(record, IPV6_INTERFACES, 50001);
    const bindings = observed();
    expect(answeredPorts(bindings, 'IPv4')).toEqual(new Set(PORTS));
    expect(answeredPorts(bindings, 'IPv6')).toEqual(new Set(PORTS));
    expect(bindings.length).toBeLessThanOrEqual(MAX_PROBE_BINDINGS);
  });

  it('does not let one IP version crowd out the other', () => {
    const { r, ufrag, observed } = session();
    // A flood of IPv4 records on ports of their own, first.
    for (let i = 0; i < 1000; i++) r.record(ufrag, binding(20000 + i, '192.0.2.10'));
    pass((b) => r.record(ufrag, b), IPV6_INTERFACES.slice(0, 1), 50000);
    expect(answeredPorts(observed(), 'IPv6')).toEqual(new Set(PORTS));
  });

  it('counts an IPv4-mapped address as IPv4, as the port check does', () => {
    expect(familyOf('::ffff:192.0.2.10')).toBe('IPv4');
    expect(familyOf('192.0.2.10')).toBe('IPv4');
    expect(familyOf('2001:db8::10')).toBe('IPv6');
    expect(familyOf('::1')).toBe('IPv6');
  });

  it('stays bounded whatever a client sends: each version to its cap, the answer to MAX_PROBE_BINDINGS', () => {
    const { r, ufrag, observed } = session();
    for (let i = 0; i < 5000; i++) {
      r.record(ufrag, binding(1024 + (i % 2000), '192.0.2.10', 1024 + i));
      r.record(ufrag, binding(1024 + (i % 2000), '2001:db8::10', 1024 + i));
    }
    const bindings = observed();
    expect(bindings.filter((b) => familyOf(b.remoteAddress) === 'IPv4')).toHaveLength(
      MAX_PROBE_BINDINGS_PER_FAMILY,
    );
    expect(bindings).toHaveLength(MAX_PROBE_BINDINGS);
  });

  it('has room for every UDP port a check of any profile probes', () => {
    // Every port of the profile offered by the relay: the sample is as large as it gets.
    const every = (rows: readonly ProfileRow[], transport: 'tcp' | 'udp') =>
      rows
        .filter((r) => r.transport === transport)
        .flatMap((r) =>
          r.providerPorts.flatMap((p) => Array.from({ length: p.to - p.from + 1 }, (_, i) => p.from + i)),
        );
    for (const profile of PROFILES) {
      const offered = { tcp: every(profile.rows, 'tcp'), udp: every(profile.rows, 'udp') };
      const udp = probeTargets(profile, offered).filter((t) => t.transport === 'udp');
      expect(udp.length, profile.id).toBeGreaterThan(0);
      expect(udp.length, profile.id).toBeLessThanOrEqual(MAX_PROBED_UDP_PORTS);
    }
  });
});
