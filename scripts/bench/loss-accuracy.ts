/**
 * Benchmark: how well the media check measures loss per direction. Builds the three-namespace lab
 * (test/e2e/harness/lab.ts: client, router, provider with the relay), drops a random share of UDP on the
 * router in one direction or both, runs checks through the extension in the client namespace, and compares
 * the report's uplink, downlink and round-trip loss with what the router was told to drop.
 *   node scripts/bench/loss-accuracy.ts [--runs 3] [--mode extended|quick] [--scenarios "10 % both ways,no loss"]
 * Needs root (network namespaces), a build, and the e2e lock when tests may run:
 *   flock /tmp/svc-e2e.lock node scripts/bench/loss-accuracy.ts
 */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Report } from '../../src/protocol/report.ts';
import { SCENARIO_CHAIN } from '../../test/e2e/harness/lab.ts';
import { labCheck, openLabSession, rule } from '../../test/e2e/harness/lab-session.ts';
import { boundedInt, fmt, machine, printMachine, ROOT, table } from './common.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'extended' },
    // Only these scenarios (names as in the tables, comma-separated); default all.
    scenarios: { type: 'string' },
  },
});
const runs = boundedInt('runs', values.runs, 1, 20);
const mode = values.mode === 'quick' ? 'quick' : 'extended';
for (const f of ['dist/chrome/manifest.json', 'dist/relay/server.js']) {
  if (!existsSync(join(ROOT, f))) throw new Error(`${f} missing: run "node scripts/build.ts" first`);
}

/** What the router drops, as probabilities, per scenario. */
const ALL_SCENARIOS = [
  { name: '10 % uplink', up: 0.1, down: 0 },
  { name: '10 % downlink', up: 0, down: 0.1 },
  { name: '10 % both ways', up: 0.1, down: 0.1 },
  { name: '3 % uplink', up: 0.03, down: 0 },
  { name: 'no loss', up: 0, down: 0 },
] as const;
const wanted = values.scenarios?.split(',').map((x) => x.trim());
const SCENARIOS = ALL_SCENARIOS.filter((s) => !wanted || wanted.includes(s.name));
if (SCENARIOS.length === 0)
  throw new Error(`--scenarios: none of ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`);

/**
 * What the router really did in one run: UDP packets that came in from each side (all UDP, the port matrix's
 * STUN checks included) and how many of them its loss rules dropped, from the scenario chain's counters.
 */
interface Dropped {
  upSeen: number;
  upDropped: number;
  downSeen: number;
  downDropped: number;
}

/** Rules that only count (no target), put ahead of the loss rules so they see every UDP packet. */
const COUNT_UP = ['-i', 'lan0', '-p', 'udp'];
const COUNT_DOWN = ['-i', 'wan0', '-p', 'udp'];

/** Reads the scenario chain's packet counters: the two counting rules, then the loss rules in order. */
function parseCounters(listing: string, up: boolean, down: boolean): Dropped {
  const packets = listing
    .split('\n')
    .map((line) => /^\s*(\d+)\s+\d+\s/.exec(line)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  const [upSeen = 0, downSeen = 0, ...loss] = packets;
  return {
    upSeen,
    downSeen,
    upDropped: up ? (loss[0] ?? 0) : 0,
    downDropped: down ? (loss[up ? 1 : 0] ?? 0) : 0,
  };
}

interface Row {
  scenario: string;
  run: number;
  verdict: string;
  up: number | null;
  down: number | null;
  roundTrip: number | null;
  /** Half the 95 % interval, points, of the wider one-way figure. */
  plusMinus: number | null;
  packets: number | null;
  errUp: number | null;
  errDown: number | null;
  errRoundTrip: number | null;
  mos: number | null;
  router: Dropped;
}

const err = (measured: number | null | undefined, truth: number) =>
  measured == null ? null : Math.round((measured - truth * 100) * 10) / 10;

function toRow(name: string, run: number, up: number, down: number, r: Report, router: Dropped): Row {
  const loss = r.media?.loss;
  const u = loss?.uplink;
  const d = loss?.downlink;
  const rt = loss?.roundTrip;
  const half = (f: typeof u) => (f ? (f.high - f.low) / 2 : 0);
  return {
    scenario: name,
    run,
    verdict: r.verdict,
    up: u?.percent ?? null,
    down: d?.percent ?? null,
    roundTrip: rt?.percent ?? null,
    plusMinus: u && d ? Math.round(Math.max(half(u), half(d)) * 10) / 10 : null,
    packets: u?.packets ?? null,
    errUp: err(u?.percent, up),
    errDown: err(d?.percent, down),
    errRoundTrip: err(rt?.percent, 1 - (1 - up) * (1 - down)),
    mos: r.media?.mos ?? null,
    router,
  };
}

const m = machine(true);
const session = await openLabSession();
const rows: Row[] = [];
try {
  for (const s of SCENARIOS) {
    for (let i = 1; i <= runs; i++) {
      await session.lab.reset();
      await session.lab.forward(COUNT_UP);
      await session.lab.forward(COUNT_DOWN);
      if (s.up > 0) await session.lab.forward(rule.loss('up', s.up));
      if (s.down > 0) await session.lab.forward(rule.loss('down', s.down));
      const report = await labCheck(session, 'desk-phone', undefined, mode);
      const listing = await session.lab.router.iptables(['-L', SCENARIO_CHAIN, '-v', '-x', '-n']);
      const row = toRow(s.name, i, s.up, s.down, report, parseCounters(listing, s.up > 0, s.down > 0));
      rows.push(row);
      const media = report.checks.find((c) => c.id === 'secure-media');
      process.stderr.write(
        `${s.name} run ${i}: ${row.verdict} up ${fmt(row.up, 1)} down ${fmt(row.down, 1)} rt ${fmt(row.roundTrip, 1)}` +
          ` router dropped up ${row.router.upDropped}/${row.router.upSeen} down ${row.router.downDropped}/${row.router.downSeen}\n` +
          `  ${report.headline}\n  media ${media?.status} ${media?.reason}: ${JSON.stringify(report.media?.timings ?? media?.data.timings)}\n`,
      );
      if (process.env.LOSS_BENCH_REPORTS) {
        appendFileSync(process.env.LOSS_BENCH_REPORTS, `${JSON.stringify({ scenario: s.name, report })}\n`);
      }
    }
  }
} finally {
  await session.close();
}

printMachine(m);
console.log('## Method');
console.log(`- The lab of test/e2e/harness/lab.ts: Chromium with dist/chrome in the client namespace, the relay
  (dist/relay/server.js) on the provider's real ports in the provider namespace, the router between them with
  NAT; its links add no delay of their own.
- Loss: iptables' statistic match on the router (random, independent per packet), on UDP entering from the
  LAN (uplink) and/or from the WAN (downlink): rule.loss() in test/e2e/harness/lab-session.ts. tc netem is
  not available on this machine's kernel.
- Each run is one ${mode} check through the extension (the desk-phone profile; the port matrix runs too, its
  STUN checks are UDP and lose packets as well but are not counted here). ${runs} run(s) per scenario.
- "router dropped": what the router's loss rules dropped in that run, of the UDP packets that came in from
  that side (iptables counters of the scenario chain; all UDP, the port matrix's STUN checks included).
- Figures are the report's media.loss: uplink, downlink and round trip in percent; "±" is half the 95 %
  interval the report gives for the wider one-way figure; "packets" is the uplink sample (audio RTP and
  data-channel probes). Errors are measured minus configured, in percentage points (round trip configured
  as 1 - (1 - up)(1 - down)).
`);
console.log('## Runs');
console.log(
  table(
    [
      'scenario',
      'run',
      'verdict',
      'up %',
      'down %',
      'round trip %',
      '±',
      'packets',
      'err up',
      'err down',
      'err rt',
      'MOS',
      'router dropped up',
      'router dropped down',
    ],
    rows.map((r) => [
      r.scenario,
      String(r.run),
      r.verdict,
      fmt(r.up, 1),
      fmt(r.down, 1),
      fmt(r.roundTrip, 1),
      fmt(r.plusMinus, 1),
      fmt(r.packets),
      fmt(r.errUp, 1),
      fmt(r.errDown, 1),
      fmt(r.errRoundTrip, 1),
      fmt(r.mos, 2),
      `${r.router.upDropped} of ${r.router.upSeen}`,
      `${r.router.downDropped} of ${r.router.downSeen}`,
    ]),
  ),
);
console.log('');
console.log('## Worst error per scenario (points, over the runs)');
const worst = (xs: Array<number | null>) =>
  xs.reduce<number | null>((a, x) => (x === null ? a : Math.max(a ?? 0, Math.abs(x))), null);
console.log(
  table(
    ['scenario', 'runs', 'worst err up', 'worst err down', 'worst err rt'],
    SCENARIOS.map((s) => {
      const mine = rows.filter((r) => r.scenario === s.name);
      return [
        s.name,
        String(mine.length),
        fmt(worst(mine.map((r) => r.errUp)), 1),
        fmt(worst(mine.map((r) => r.errDown)), 1),
        fmt(worst(mine.map((r) => r.errRoundTrip)), 1),
      ];
    }),
  ),
);
