/**
 * Every fixed port the tests, their relays and the benchmarks listen on, and which file claims it. Linux hands
 * out ports 32768-60999 to any socket bound to port 0 (a browser's, werift's, Node's): a fixed port inside
 * that range can be taken by one of them a moment before the test binds it, and the test fails with
 * EADDRINUSE at random. So:
 * - the test run reserves these ports against that (test/reserve-ports.ts, vitest's globalSetup);
 * - a unit test (test/unit/test-ports/fixed-ports.test.ts) fails when a file under test/ or scripts/ listens on
 *   a literal port inside that range which this table does not give to that file, and when a unit file's
 *   ports overlap another file's: unit files run side by side, and a unit run can overlap an e2e run (two
 *   CI jobs, two people on one machine). E2E files run one at a time (fileParallelism: false), benchmarks
 *   one at a time under flock, so those may share among themselves.
 * A new test takes a free block here (the 47xxx blocks below are in port order) and claims it by file.
 */
import { probePortFlags } from '../scripts/probe-ports.ts';
import { CONFIG_KEYS } from '../src/relay/config/keys.ts';
import { addRanges, formatRanges } from './port-ranges.ts';

export interface PortClaim {
  /** The file that listens there (or whose flags a relay is started with), from the repository's root. */
  file: string;
  /** Ports as the kernel writes them: "47320-47329", "47340", comma-separated. */
  ports: string;
  /** unit: runs beside every other file; e2e and bench: one file at a time. */
  runs: 'unit' | 'e2e' | 'bench';
  /** False where the listener is inside a network namespace of its own, whose ports the host's reservation does not cover. */
  reserve?: false;
  why: string;
}

/** The in-process test relay's default media range (test/helpers/in-process-relay.ts), shared by every unit file that starts one without its own: the relay takes the next free port of it. */
export const TEST_MEDIA_PORTS = { first: 47100, last: 47109 };

/** The relay ports of `node scripts/probe-ports.ts` (npm start, and the e2e files that use probePortFlags()). */
function probeFlagPorts(): string {
  const flags = probePortFlags();
  const value = (flag: string) => flags[flags.indexOf(flag) + 1] ?? '';
  // "5096:15096,8801:18801": the relay port is after the colon.
  const relayPorts = (list: string) => list.split(',').map((entry) => entry.split(':').at(-1));
  return addRanges(
    [...relayPorts(value('--probe-tcp')), ...relayPorts(value('--probe-udp'))].join(','),
    value('--media-ports'),
  );
}

const range = (r: { first: number; last: number }) => formatRanges([[r.first, r.last]]);
const claim =
  (runs: PortClaim['runs']) =>
  (file: string, ports: string, why: string, reserve?: false): PortClaim => ({
    file,
    ports,
    runs,
    why,
    ...(reserve === false ? { reserve } : {}),
  });
const [unit, e2e, bench] = [claim('unit'), claim('e2e'), claim('bench')];

export const PORT_CLAIMS: PortClaim[] = [
  // Unit tests (test/unit), in port order.
  unit(
    'test/helpers/in-process-relay.ts',
    range(TEST_MEDIA_PORTS),
    'default media range of startTestRelay()',
  ),
  unit('test/unit/relay/media-loopback.test.ts', '47120-47169,47190-47199', 'one range per relay'),
  unit('test/unit/relay/echo-session.test.ts', '47170-47179', 'one port per session'),
  unit('test/unit/relay/media-ipv6.test.ts', '47230-47239', 'one port per relay'),
  unit('test/unit/relay/relay-limits.test.ts', '47300-47309', 'media range'),
  unit('test/unit/relay/media-hardening.test.ts', '47320-47329', 'media range'),
  unit('test/unit/relay/native-echo-edges.test.ts', '47341-47349', 'one range per relay'),
  unit('test/unit/relay/relay-fuzz.test.ts', '47350-47359', 'media range'),
  unit(
    'test/unit/relay/media-interop.test.ts',
    '47370-47379,47700-47749',
    'two ports a relay from 47700 (13 relays)',
  ),
  unit('test/unit/relay/media-amplification.test.ts', '47600-47629', 'one range per relay'),

  // End-to-end tests (test/e2e), one file at a time.
  e2e(
    'scripts/probe-ports.ts',
    probeFlagPorts(),
    "probePortFlags(): probe ports standing in for the provider's, media",
  ),
  e2e(
    'src/relay/config/keys.ts',
    CONFIG_KEYS.mediaPorts.default,
    'relays started without --media-ports (the default)',
  ),
  // Inside the lab's provider namespace, which the host's reservation does not cover.
  e2e(
    'scripts/probe-ports.ts',
    '41000-41019,61000-61019',
    'media ranges `--provider-ports` prints by default',
    false,
  ),
  e2e('test/e2e/harness/lab-session.ts', '41000-41019,61000-61019', "the lab relay's media ranges", false),
  e2e('test/e2e/port-matrix.e2e.ts', '35000-35099', 'media range'),
  e2e('test/e2e/firefox-port-matrix.e2e.ts', '35000-35099', 'media range'),
  e2e('test/e2e/secure-media.e2e.ts', '47000-47029', 'the session relay, and the relay the test kills'),
  e2e('test/e2e/media-network.e2e.ts', '47200-47219', 'media range'),
  e2e('test/e2e/loss-per-second.e2e.ts', '47240-47259', 'media range'),
  e2e('test/e2e/regions.e2e.ts', '47260-47279', 'two relays'),
  e2e('test/e2e/regions-cli.e2e.ts', '47280-47289', 'two relays'),
  e2e('test/e2e/regions-firefox.e2e.ts', '47290-47299', 'two relays'),
  e2e('test/e2e/relay-load.e2e.ts', '47400-47449', 'media range'),
  e2e('test/e2e/relay-process.e2e.ts', '47460-47469', 'media range'),
  e2e('test/e2e/tls-reload.e2e.ts', '47480-47489', 'media range'),
  e2e('test/e2e/fleet.e2e.ts', '47500-47509', 'two relays'),

  // Benchmarks (scripts/bench), one at a time under flock, below the ephemeral range; reserved all the same
  // for machines whose range is wider.
  bench('scripts/bench/quick-check.ts', '28000-28019', 'default --media-ports'),
  bench('scripts/bench/popup-paint.ts', '28020-28039', 'default --media-ports'),
  bench('scripts/bench/relay-cpu.ts', '28100-28699', 'default --media-ports'),
  bench('scripts/bench/relay-load.ts', '28200-28399', 'default --media-ports'),
  bench('scripts/bench/relay-attack.ts', '28400-28419', 'media range'),
];

/** Every port the host's reservation should hold during a test run, as the kernel writes the list. */
export function portsToReserve(claims: PortClaim[] = PORT_CLAIMS): string {
  return claims.filter((c) => c.reserve !== false).reduce((all, c) => addRanges(all, c.ports), '');
}

/** Linux's default ip_local_port_range: a fixed port inside it must be claimed above. */
export const EPHEMERAL = '32768-60999';
