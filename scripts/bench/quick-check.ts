/**
 * Benchmark: how long the quick check takes, end to end, through the real extension in headless Chromium
 * against the built relay process on loopback.
 *   node scripts/bench/quick-check.ts [--runs 10] [--warmup 1] [--media-ports 28000-28019]
 * Needs a build (npm run bench:quick-check builds first).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { launchWithExtension } from '../../src/cli/chromium.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import { MEDIA_DURATION_MS } from '../../src/protocol/relay-messages.ts';
import type { Report } from '../../src/protocol/report.ts';
import { startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
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
    // Below Linux's ephemeral range (32768-60999), so no client socket can be sitting on one of them, and
    // away from the ranges the tests use (40000-40199 default, 47000-47199), which may run at the same time.
    'media-ports': { type: 'string', default: '28000-28019' },
  },
});
const runs = boundedInt('runs', values.runs, 1, 50);
const warmup = boundedInt('warmup', values.warmup, 0, 5);
const media = portRange('media-ports', values['media-ports']);
// Runs are sequential and each frees its port on bye; a margin covers ports still closing.
if (media.size < 4) throw new Error('--media-ports: give at least 4 ports');
const RUN_TIMEOUT_MS = 60_000;

for (const f of ['dist/chrome/manifest.json', 'dist/relay/server.js']) {
  if (!existsSync(join(ROOT, f))) throw new Error(`${f} missing: run "node scripts/build.ts" first`);
}

const PHASES = ['signalingMs', 'iceConnectedMs', 'dtlsConnectedMs', 'firstEchoMs'] as const;
const CHECKS = ['relay-https', 'relay-wss', 'secure-media'] as const;

interface Run {
  totalMs: number;
  /** The report's own startedAt → finishedAt: the background's run, without the page round trips. */
  inExtensionMs: number;
  checks: Record<string, number | null>;
  phases: Record<string, number | null>;
  verdict: string;
}

function toRun(report: Report, totalMs: number): Run {
  const checks: Record<string, number | null> = {};
  for (const id of CHECKS) checks[id] = report.checks.find((c) => c.id === id)?.durationMs ?? null;
  const phases: Record<string, number | null> = {};
  for (const p of PHASES) phases[p] = report.media?.timings[p] ?? null;
  return {
    totalMs,
    inExtensionMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
    checks,
    phases,
    verdict: report.verdict,
  };
}

const m = machine(true);
const relay = await startRelayProcess(['--media-ports', media.range, '--max-sessions', String(media.size)]);
let browser: Awaited<ReturnType<typeof launchWithExtension>> | undefined;
const results: Run[] = [];
const failures: string[] = [];
let machineBusy = Number.NaN;
try {
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [relay.spkiSha256],
  });
  const page = await browser.openPage('options/options.html');
  const settings = { relayUrl: relay.url, targets: [] };
  let sys0 = systemJiffies();
  for (let i = 0; i < warmup + runs; i++) {
    if (i === warmup) sys0 = systemJiffies();
    const t0 = performance.now();
    const report = await runCheckInExtension(page, settings, 'quick', RUN_TIMEOUT_MS);
    const run = toRun(report, performance.now() - t0);
    const label = i < warmup ? `warm-up ${i + 1}` : `run ${i + 1 - warmup}/${runs}`;
    if (report.verdict !== 'ready') failures.push(`${label}: ${report.verdict}: ${report.headline}`);
    if (i >= warmup) results.push(run);
    // Progress on stderr so stdout stays the Markdown result.
    process.stderr.write(`${label}: ${fmt(run.totalMs)} ms\n`);
  }
  machineBusy = busyCorePct(sys0, systemJiffies());
} finally {
  await browser?.close();
  await relay.stop();
}

printMachine(m);
console.log('## Method');
console.log(`- Relay: dist/relay/server.js as a child process on 127.0.0.1, port 0, temp data dir, media ports ${media.range}, default log level (info).
- ${m.chromium}, headless, launched once with dist/chrome loaded and the relay's SPKI trusted.
- Driver: an extension page sends saveSettings then runCheck {mode: quick} to the background, then polls
  getState every 150 ms until the report with that runId is stored (src/cli/drive-extension.ts).
- ${warmup} untimed warm-up run(s), then ${runs} timed runs, one after another, same browser and relay.
- "total" is wall time in the Node process around runCheckInExtension (includes the saveSettings round trip
  and up to 150 ms of polling granularity); "in-extension" is the report's finishedAt - startedAt.
- Checks run in parallel inside the extension; per-check figures are each report's durationMs.
- Media phases are report.media.timings: ms from the start of the secure-media check.
- Whole machine busy during the timed runs (relay, Chromium, this driver and any other work; /proc/stat):
  ${fmt(machineBusy)} % of one core, out of ${m.nproc * 100} %.
- By design the quick check includes ${MEDIA_DURATION_MS.quick / 1000} s of media after the first echo, then waits up to 500 ms
  for late probe echoes: secure-media (and so the total) is at least firstEchoMs + ${MEDIA_DURATION_MS.quick + 500} ms.
  Setup time is the phases; the rest is fixed by design.
`);

console.log('## Runs (ms)');
console.log(
  table(
    ['run', 'verdict', 'total', 'in-extension', ...CHECKS, ...PHASES],
    results.map((r, i) => [
      String(i + 1),
      r.verdict,
      fmt(r.totalMs),
      fmt(r.inExtensionMs),
      ...CHECKS.map((c) => fmt(r.checks[c])),
      ...PHASES.map((p) => fmt(r.phases[p])),
    ]),
  ),
);
console.log('');

const rows: Array<[string, number[]]> = [
  ['total (Node, around runCheckInExtension)', results.map((r) => r.totalMs)],
  ['in-extension (startedAt → finishedAt)', results.map((r) => r.inExtensionMs)],
  ...CHECKS.map((c): [string, number[]] => [
    `check ${c} durationMs`,
    results.flatMap((r) => (r.checks[c] === null ? [] : [r.checks[c] as number])),
  ]),
  ...PHASES.map((p): [string, number[]] => [
    `media ${p}`,
    results.flatMap((r) => (r.phases[p] === null ? [] : [r.phases[p] as number])),
  ]),
];
console.log(`## Summary (ms, ${runs} runs)`);
console.log(
  table(
    ['measure', 'n', 'median', 'min', 'max'],
    rows.map(([name, xs]) => {
      const s = stats(xs);
      return [name, String(xs.length), fmt(s.median), fmt(s.min), fmt(s.max)];
    }),
  ),
);
if (failures.length) {
  console.log(`\n${failures.length} run(s) did not end ready:\n${failures.join('\n')}`);
  process.exitCode = 1;
}
