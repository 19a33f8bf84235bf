/**
 * Benchmark: how long the quick check takes, end to end, through the real extension in headless Chromium
 * against the built relay process on loopback, with the firewall port matrix (the relay answers every port of
 * the profiles on high stand-in ports, scripts/probe-ports.ts).
 *   node scripts/bench/quick-check.ts [--runs 10] [--warmup 1] [--compare main[,ref2,...]] [--flavour dev|release]
 *                                     [--media-ports 28000-28019]
 * With --compare, each commit's extension (built by its own scripts/build.ts in this run; up to 4 commits) is
 * measured too, in its own browser against the same relay, alternating with this tree's run by run (the order
 * reversed every other run: ABBA), so "before" and "after" come from one run on one machine. Binds the probe ports the end-to-end tests use: take the e2e lock
 * (flock /tmp/svc-e2e.lock) when tests may run. Needs a build of the relay (npm run bench:quick-check builds).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { request, type Watched, watchCheckInExtension } from '../../src/cli/drive-extension.ts';
import { type Report, ReportSchema } from '../../src/protocol/report.ts';
import { startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import { probePortFlags } from '../probe-ports.ts';
import { type Build, buildExtension, DEV, RELEASE, workDir } from './builds.ts';
import {
  boundedInt,
  busyCorePct,
  fmt,
  machine,
  portRange,
  printMachine,
  ROOT,
  stats,
  systemJiffies,
  table,
} from './common.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1' },
    compare: { type: 'string' },
    flavour: { type: 'string', default: DEV },
    // Below Linux's ephemeral range (32768-60999), so no client socket can be sitting on one of them, and
    // away from the ranges the tests use (40000-40199 default, 47000-47199), which may run at the same time.
    'media-ports': { type: 'string', default: '28000-28019' },
  },
});
const runs = boundedInt('runs', values.runs, 1, 50);
const warmup = boundedInt('warmup', values.warmup, 0, 5);
const media = portRange('media-ports', values['media-ports']);
if (values.flavour !== DEV && values.flavour !== RELEASE) throw new Error('--flavour: dev or release');
const flavour = values.flavour === RELEASE ? RELEASE : DEV;
// Runs are sequential and each frees its port on bye; a margin covers ports still closing.
if (media.size < 4) throw new Error('--media-ports: give at least 4 ports');
const RUN_TIMEOUT_MS = 60_000;
const compare = (values.compare ?? '').split(',').filter((ref) => ref !== '');
if (compare.length > 4) throw new Error('--compare: at most 4 commits');

if (!existsSync(join(ROOT, 'dist/relay/server.js'))) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}

const PHASES = ['signalingMs', 'iceConnectedMs', 'dtlsConnectedMs', 'firstEchoMs'] as const;
const CHECKS = ['relay-https', 'relay-wss', 'port-matrix', 'secure-media'] as const;

interface Run {
  /** In the page: runCheck sent → the stored report seen (storage.onChanged, as the popup sees it). */
  verdictMs: number;
  /** In the page: runCheck sent → each check's result first seen in the run's progress. */
  seen: Record<string, number | null>;
  /** In the page: runCheck sent → the WSS check's final result (with the pings) first seen. */
  wssFinalMs: number | null;
  /** In the page: runCheck sent → the run state says encrypted audio flows (the media check's first echo). */
  flowingMs: number | null;
  /** The same through storage.onChanged alone (builds without the port have only this). */
  storedVerdictMs: number | null;
  storedSeen: Record<string, number | null>;
  /** Checks whose result came over the background's port first. */
  pushed: number;
  /** The report's own startedAt → finishedAt: the background's run, without the page round trips. */
  inExtensionMs: number;
  checks: Record<string, number | null>;
  phases: Record<string, number | null>;
  /** The WSS check's WebSocket open (TCP, TLS, upgrade): what one socket fewer would save, at most. */
  wssConnectMs: number | null;
  /** The WSS check's ping round trips as its report keeps them: median, fastest, slowest. */
  wssPing: { medianMs: number | null; minMs: number | null; maxMs: number | null };
  /** Packets behind the scored loss figure, and half its 95 % interval in points. */
  lossPackets: number | null;
  lossPlusMinus: number | null;
  verdict: string;
}

const numberOr = (x: unknown) => (typeof x === 'number' ? x : null);

function toRun(report: Report, page: Watched): Run {
  const checks: Record<string, number | null> = {};
  for (const id of CHECKS) checks[id] = report.checks.find((c) => c.id === id)?.durationMs ?? null;
  const phases: Record<string, number | null> = {};
  for (const p of PHASES) phases[p] = report.media?.timings[p] ?? null;
  const loss = report.media?.loss;
  const scored = loss?.scored ? loss[loss.scored === 'round-trip' ? 'roundTrip' : loss.scored] : null;
  const wss = report.checks.find((c) => c.id === 'relay-wss')?.data;
  return {
    verdictMs: page.verdictMs,
    seen: Object.fromEntries(CHECKS.map((c) => [c, page.seen[c] ?? null])),
    wssFinalMs: page.final['relay-wss'] ?? null,
    flowingMs: page.flowingMs,
    storedVerdictMs: page.stored.verdictMs,
    storedSeen: Object.fromEntries(CHECKS.map((c) => [c, page.stored.seen[c] ?? null])),
    pushed: Object.values(page.via).filter((c) => c === 'port').length,
    wssConnectMs: numberOr(wss?.connectMs),
    wssPing: { medianMs: numberOr(wss?.medianMs), minMs: numberOr(wss?.minMs), maxMs: numberOr(wss?.maxMs) },
    inExtensionMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
    checks,
    phases,
    lossPackets: scored?.packets ?? null,
    lossPlusMinus: scored ? (scored.high - scored.low) / 2 : null,
    verdict: report.verdict,
  };
}

interface Subject {
  build: Build;
  browser: ExtensionBrowser;
  results: Run[];
}

const m = machine(true);
const work = workDir();
const relayArgs = probePortFlags();
relayArgs[relayArgs.indexOf('--media-ports') + 1] = media.range;
const relay = await startRelayProcess([...relayArgs, '--max-sessions', String(media.size)]);
const subjects: Subject[] = [];
const failures: string[] = [];
let machineBusy = Number.NaN;
let loadAtEnd = Number.NaN;
try {
  for (const ref of [...compare, null]) {
    const build = buildExtension(ref, flavour, work.path);
    const browser = await launchWithExtension({
      extensionDir: join(build.dist, 'chrome'),
      trustSpki: [relay.spkiSha256],
    });
    subjects.push({ build, browser, results: [] });
  }
  const settings = { relayUrl: relay.url, targets: [], profile: 'desk-phone' as const };
  const once = async (s: Subject, label: string): Promise<Run> => {
    const page = await s.browser.openPage('options/options.html');
    try {
      const measured = await watchCheckInExtension(page, settings, 'quick', RUN_TIMEOUT_MS);
      const state = (await request(page, { type: 'getState' })) as { last: unknown };
      const report = v.parse(ReportSchema, state.last);
      if (report.runId !== measured.runId) throw new Error(`${label}: the stored report is another run's`);
      const run = toRun(report, measured);
      if (report.verdict !== 'ready')
        failures.push(`${s.build.label} ${label}: ${report.verdict}: ${report.headline}`);
      // Progress on stderr so stdout stays the Markdown result.
      process.stderr.write(`${s.build.label} ${label}: ${fmt(run.verdictMs)} ms\n`);
      return run;
    } finally {
      await page.close();
    }
  };
  for (let i = 0; i < warmup; i++) for (const s of subjects) await once(s, `warm-up ${i + 1}`);
  const sys0 = systemJiffies();
  for (let i = 0; i < runs; i++) {
    // ABBA order: whichever build runs right after the other gets no systematic advantage.
    for (const s of i % 2 ? [...subjects].reverse() : subjects) {
      s.results.push(await once(s, `run ${i + 1}/${runs}`));
    }
  }
  machineBusy = busyCorePct(sys0, systemJiffies());
  loadAtEnd = loadavg()[0] ?? Number.NaN;
} finally {
  for (const s of subjects) await s.browser.close();
  await relay.stop();
  work.remove();
}

printMachine(m);
console.log('## Method');
console.log(`- Relay: this tree's dist/relay/server.js as a child process on 127.0.0.1, port 0, temp data dir, media
  ports ${media.range}, probe ports of scripts/probe-ports.ts (every port of the profiles on a high stand-in
  port), default log level (info). One relay for every build measured.
- ${m.chromium}, headless, one browser per build, each with that build's dist/chrome (${flavour} build made in this
  run by that commit's own scripts/build.ts) loaded and the relay's SPKI trusted.
- Driver: in an extension page (options/options.html), the way the popup does it: saveSettings (profile
  desk-phone, so the port matrix runs), then runCheck {mode: quick} to the background, then the run state as
  it reaches the page, until the report with that runId is in: pushed over the run-state port (builds that
  have it) and delivered by storage.onChanged (every build), each arrival timed; a result counts from its
  first arrival on either.
- ${warmup} untimed warm-up run(s) per build, then ${runs} timed runs per build, alternating between the builds
  in ABBA order, same browsers and relay.
- "to verdict": the page's clock (performance.now) from sending runCheck to the report reaching the
  page: what a user waits from the click to the verdict; "... through storage": the same moments by
  storage.onChanged alone; "pushed": how many of the 4 checks' results came over the port first. "seen": from sending runCheck to each check's result
  first reaching the page in the run's progress (what the popup shows as it arrives; for WSS, the open socket
  with the pings still pending where the build reports that first); "relay-wss final": its result with the
  pings' figures; "relay-wss ping medianMs/minMs/maxMs": the round trips the report keeps; "audio flowing seen": to
  the run state first saying that encrypted audio flows (builds without that signal: "-"). "in-extension": the
  report's finishedAt - startedAt (the background's run, ms resolution of ISO times).
- Checks run in parallel inside the extension; "durationMs" figures are each report's own, per check.
- Media phases are report.media.timings: ms from the start of the secure-media check, polled every 25 ms.
- "loss ±" is half the 95 % interval (Wilson) of the loss figure the verdict rests on, in points, and
  "loss packets" the packets behind it: the resolution each run's loss measurement had.
- Whole machine busy during the timed runs (relay, Chromium, this driver and any other work; /proc/stat):
  ${fmt(machineBusy)} % of one core, out of ${m.nproc * 100} %; 1-minute load average ${m.load1} at the start,
  ${fmt(loadAtEnd, 2)} at the end.
`);

for (const s of subjects) {
  console.log(`## Runs (ms), ${s.build.label}`);
  console.log(
    table(
      [
        'run',
        'verdict',
        'to verdict',
        'through storage',
        'in-extension',
        ...CHECKS.map((c) => `${c} seen`),
        'relay-wss final',
        'wss ping median',
        'audio flowing seen',
        ...PHASES,
        'loss packets',
        'loss ±',
      ],
      s.results.map((r, i) => [
        String(i + 1),
        r.verdict,
        fmt(r.verdictMs),
        fmt(r.storedVerdictMs),
        fmt(r.inExtensionMs),
        ...CHECKS.map((c) => fmt(r.seen[c])),
        fmt(r.wssFinalMs),
        fmt(r.wssPing.medianMs, 1),
        fmt(r.flowingMs),
        ...PHASES.map((p) => fmt(r.phases[p])),
        fmt(r.lossPackets),
        fmt(r.lossPlusMinus, 1),
      ]),
    ),
  );
  console.log('');
}

const measures: Array<[string, (r: Run) => number | null]> = [
  ['to verdict (page: runCheck sent → report in the page)', (r) => r.verdictMs],
  ['to verdict through storage', (r) => r.storedVerdictMs],
  ['in-extension (startedAt → finishedAt)', (r) => r.inExtensionMs],
  ...CHECKS.map((c): [string, (r: Run) => number | null] => [
    `${c} seen in the page`,
    (r) => r.seen[c] ?? null,
  ]),
  ['relay-wss final result (with the pings) seen in the page', (r) => r.wssFinalMs],
  ['"encrypted audio flowing" seen in the page', (r) => r.flowingMs],
  ...CHECKS.map((c): [string, (r: Run) => number | null] => [
    `${c} seen through storage`,
    (r) => r.storedSeen[c] ?? null,
  ]),
  ['results pushed first (of 4)', (r) => r.pushed],
  ...CHECKS.map((c): [string, (r: Run) => number | null] => [`${c} durationMs`, (r) => r.checks[c] ?? null]),
  ['relay-wss connectMs (WebSocket open: TCP, TLS, upgrade)', (r) => r.wssConnectMs],
  ['relay-wss ping medianMs (the report round trip)', (r) => r.wssPing.medianMs],
  ['relay-wss ping minMs', (r) => r.wssPing.minMs],
  ['relay-wss ping maxMs', (r) => r.wssPing.maxMs],
  ...PHASES.map((p): [string, (r: Run) => number | null] => [`media ${p}`, (r) => r.phases[p] ?? null]),
  ['loss packets', (r) => r.lossPackets],
  ['loss ± (points)', (r) => r.lossPlusMinus],
];
console.log(`## Summary (median, min-max over ${runs} runs per build)`);
console.log(
  table(
    ['measure', ...subjects.map((s) => s.build.label)],
    measures.map(([name, get]) => [
      name,
      ...subjects.map((s) => {
        const xs = s.results.flatMap((r) => {
          const x = get(r);
          return x === null ? [] : [x];
        });
        if (xs.length === 0) return '-';
        const st = stats(xs);
        const digits = name.startsWith('loss ±') || name.startsWith('relay-wss ping') ? 1 : 0;
        return `${fmt(st.median, digits)} (${fmt(st.min, digits)}-${fmt(st.max, digits)})`;
      }),
    ]),
  ),
);
if (failures.length) {
  console.log(`\n${failures.length} run(s) did not end ready:\n${failures.join('\n')}`);
  process.exitCode = 1;
}
