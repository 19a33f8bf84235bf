/**
 * Which ports to actually probe. A range like 40000-49999 cannot be probed port by port (the relay would
 * need ten thousand listeners), so we sample both ends and the middle: the ends catch a rule typed too
 * narrow or off by one, the middle catches a rule that lists a few ports instead of the range.
 */

import type { PortRange, Profile, ProfileId, ProfileRow, TestableProbeKind } from './types.ts';
import { BROWSER_RESTRICTED_PORTS } from './unsafe-ports.ts';

/** Both ends and the middle of a range, ascending, without repeats; a single port gives `[port]`. */
export function samplePorts(range: PortRange): number[] {
  const { from, to } = range;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) {
    throw new RangeError(`invalid port range ${from}-${to}`);
  }
  return [...new Set([from, Math.floor((from + to) / 2), to])].sort((a, b) => a - b);
}

/** Samples of several ranges (a table cell such as "80, 443"), ascending, without repeats. */
export function samplePortsOf(ranges: readonly PortRange[]): number[] {
  return [...new Set(ranges.flatMap(samplePorts))].sort((a, b) => a - b);
}

export interface ProbeTarget {
  readonly profileId: ProfileId;
  /** Every row of the profile this one probe answers for, in table order. */
  readonly rowIds: readonly string[];
  readonly transport: 'tcp' | 'udp';
  readonly port: number;
  readonly method: TestableProbeKind;
  /** True if any of those rows is part of Secure Voice, so a failure here breaks the upgrade. */
  readonly secureVoice: boolean;
  /**
   * The browser refuses this port for fetch/WebSocket whatever the firewall does, so a failure must not be
   * reported as the firewall's. ICE is not subject to that list, so UDP targets are never marked.
   */
  readonly browserRestricted: boolean;
}

// When two rows share a TCP port with different methods, one HTTPS request also completes a TLS connection
// over TCP, so the HTTPS probe answers for both.
const METHOD_STRENGTH: Record<TestableProbeKind, number> = { 'tls-tcp': 0, https: 1, 'udp-ice': 0 };

function testableKind(row: ProfileRow): TestableProbeKind | null {
  return row.probe.kind === 'not-testable' ? null : row.probe.kind;
}

/**
 * The flat list of probes for a profile, in table order, one per transport and port: rows that share a
 * port (e.g. desk phone signaling and BLA/Presence, both SIP/TCP to 5090) are probed once. Untestable rows
 * contribute nothing; the report lists them from the profile with their reason.
 */
export function probeTargets(profile: Profile): ProbeTarget[] {
  const byKey = new Map<string, ProbeTarget>();
  for (const row of profile.rows) {
    const method = testableKind(row);
    if (method === null) continue;
    for (const port of samplePortsOf(row.providerPorts)) {
      const key = `${row.transport}:${port}`;
      const seen = byKey.get(key);
      if (seen === undefined) {
        byKey.set(key, {
          profileId: profile.id,
          rowIds: [row.id],
          transport: row.transport,
          port,
          method,
          secureVoice: row.secureVoice,
          browserRestricted: row.transport === 'tcp' && BROWSER_RESTRICTED_PORTS.has(port),
        });
        continue;
      }
      byKey.set(key, {
        ...seen,
        rowIds: seen.rowIds.includes(row.id) ? seen.rowIds : [...seen.rowIds, row.id],
        method: METHOD_STRENGTH[method] > METHOD_STRENGTH[seen.method] ? method : seen.method,
        secureVoice: seen.secureVoice || row.secureVoice,
      });
    }
  }
  return [...byKey.values()];
}
