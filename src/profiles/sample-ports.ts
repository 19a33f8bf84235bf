/**
 * Which ports to actually probe. A range like 40000-49999 cannot be probed port by port (the relay would
 * need ten thousand listeners), so each run samples it: SAMPLES_PER_RANGE ports, one from each equal
 * stretch of the range, drawn at random within its stretch and drawn anew every run, with both ends always
 * in. The ends catch a rule typed too narrow or off by one; the spread means a contiguous blocked block
 * of two stretches or more (625 ports of 10,000) is always hit; the draw means smaller ones are hit sooner or
 * later instead of never. The relay listens on a larger sample of each range (its own draw, made at start),
 * and a run draws from the ports the relay offers. Small ranges (5090-5091) are probed whole.
 */
import type { PortRange, Profile, ProfileId, ProfileRow, TestableProbeKind } from './types.ts';
import { BROWSER_RESTRICTED_PORTS } from './unsafe-ports.ts';

/** Ports probed per large range in one run. */
export const SAMPLES_PER_RANGE = 32;

export function rangeSize(range: PortRange): number {
  return range.to - range.from + 1;
}

function assertRange({ from, to }: PortRange): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) {
    throw new RangeError(`invalid port range ${from}-${to}`);
  }
}

/**
 * The fixed fallback: both ends and the middle, ascending, without repeats; a single port gives `[port]`.
 * Used for a range the relay offers nothing in (those ports are then reported as not measured).
 */
export function samplePorts(range: PortRange): number[] {
  assertRange(range);
  const { from, to } = range;
  return [...new Set([from, Math.floor((from + to) / 2), to])].sort((a, b) => a - b);
}

/**
 * Up to `count` ports of `range`, one per equal stretch, ascending: the first stretch gives `range.from` and
 * the last `range.to` when they are candidates, the others a random candidate of their stretch. Candidates
 * are `available` (sorted or not; ports outside the range are ignored), or every port of the range that
 * `accept` allows. A stretch without a candidate gives nothing. Where a stretch has candidates that `prefer`
 * allows, its random pick is one of those. `random` returns [0, 1).
 */
export function stratifiedSample(
  range: PortRange,
  count: number,
  random: () => number,
  opts: {
    available?: readonly number[];
    accept?: (port: number) => boolean;
    prefer?: (port: number) => boolean;
  } = {},
): number[] {
  assertRange(range);
  const size = rangeSize(range);
  const accept = opts.accept ?? (() => true);
  const pool = opts.available
    ? [...new Set(opts.available)]
        .filter((p) => p >= range.from && p <= range.to && accept(p))
        .sort((a, b) => a - b)
    : null;
  const stretches = Math.min(count, size);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < stretches; i++) {
    const lo = range.from + Math.floor((i * size) / stretches);
    const hi = range.from + Math.floor(((i + 1) * size) / stretches) - 1;
    let candidates: number[];
    if (pool) {
      while (next < pool.length && (pool[next] as number) < lo) next++;
      let end = next;
      while (end < pool.length && (pool[end] as number) <= hi) end++;
      candidates = pool.slice(next, end);
    } else {
      candidates = [];
      for (let p = lo; p <= hi; p++) if (accept(p)) candidates.push(p);
    }
    if (candidates.length === 0) continue;
    if (i === 0 && candidates[0] === range.from) out.push(range.from);
    else if (i === stretches - 1 && candidates.at(-1) === range.to) out.push(range.to);
    else {
      const preferred = opts.prefer ? candidates.filter(opts.prefer) : [];
      const from = preferred.length > 0 ? preferred : candidates;
      out.push(from[Math.min(from.length - 1, Math.floor(random() * from.length))] as number);
    }
  }
  return out;
}

/**
 * The ports of one range to probe in this run: every port of a small range; a stratified sample of the
 * ports the relay offers in a large one; the fixed ends and middle if it offers none there.
 */
export function portsToProbe(
  range: PortRange,
  offered: readonly number[] | null,
  random: () => number,
): number[] {
  if (rangeSize(range) <= SAMPLES_PER_RANGE) return stratifiedSample(range, SAMPLES_PER_RANGE, random);
  const sample = offered ? stratifiedSample(range, SAMPLES_PER_RANGE, random, { available: offered }) : [];
  return sample.length > 0 ? sample : samplePorts(range);
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
export function probeTargets(
  profile: Profile,
  offered: { tcp: readonly number[]; udp: readonly number[] } | null = null,
  random: () => number = Math.random,
): ProbeTarget[] {
  const byKey = new Map<string, ProbeTarget>();
  // Rows that share a range (SIP/TCP and presence on 5090) probe the same draw.
  const draws = new Map<string, number[]>();
  const portsOf = (transport: 'tcp' | 'udp', ranges: readonly PortRange[]) => {
    const all = ranges.flatMap((range) => {
      const key = `${transport}:${range.from}-${range.to}`;
      const drawn = draws.get(key) ?? portsToProbe(range, offered?.[transport] ?? null, random);
      draws.set(key, drawn);
      return drawn;
    });
    return [...new Set(all)].sort((a, b) => a - b);
  };
  for (const row of profile.rows) {
    const method = testableKind(row);
    if (method === null) continue;
    for (const port of portsOf(row.transport, row.providerPorts)) {
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
