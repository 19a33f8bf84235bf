/**
 * Benchmark: the relay under load and over a soak, as a separate process (so /proc charges it alone).
 *   node scripts/bench/relay-load.ts [--concurrent 100] [--hold-seconds 30] [--ramp 10]
 *                                    [--sequential 500] [--warm-up 20] [--media-ports 28200-28399]
 * Load: N werift peers (the browser's part) open echo sessions at once (at most --ramp setting up at a
 * time) and hold them; /healthz is polled every 200 ms throughout. Soak: sessions one after another
 * (connect, echo at least 5 packets, bye); the relay's open file descriptors and memory are sampled every
 * 50 sessions and compared with the figures after a warm-up. Needs a build of the relay
 * (npm run bench:relay-load builds first). Loopback only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GC_ON_SIGNAL, startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import {
  closeEchoStream,
  cpuSeconds,
  type EchoStream,
  fdCount,
  memoryAfterGc,
  metricValue,
  openEchoStream,
  openMany,
  pollHealth,
  timedGet,
} from '../../test/helpers/relay-load.ts';
import { relayAt, workDir } from './builds.ts';
import {
  boundedInt,
  fmt,
  loadRelayArgs,
  machine,
  portRange,
  printMachine,
  ROOT,
  sleep,
  stats,
  table,
} from './common.ts';

const { values } = parseArgs({
  options: {
    concurrent: { type: 'string', default: '100' },
    'hold-seconds': { type: 'string', default: '30' },
    ramp: { type: 'string', default: '10' },
    sequential: { type: 'string', default: '500' },
    'warm-up': { type: 'string', default: '20' },
    // Below Linux's ephemeral range and away from the ranges tests and relay-cpu use.
    'media-ports': { type: 'string', default: '28200-28399' },
    /** A commit to measure the same way in the same run, before this tree (built by its own build script). */
    compare: { type: 'string' },
    /** Also this tree with V8's own young-generation growth, to tell its share from the rest. */
    'v8-young-generation': { type: 'boolean', default: false },
  },
});
const media = portRange('media-ports', values['media-ports']);
const concurrent = boundedInt('concurrent', values.concurrent, 1, Math.min(200, media.size));
const holdS = boundedInt('hold-seconds', values['hold-seconds'], 5, 60);
const ramp = boundedInt('ramp', values.ramp, 1, 50);
const sequential = boundedInt('sequential', values.sequential, 10, 2000);
const warmUp = boundedInt('warm-up', values['warm-up'], 0, 100);
if (!existsSync(join(ROOT, 'dist/relay/server.js'))) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}
const m = machine(false);

interface Variant {
  label: string;
  serverJs: string;
  nodeArgs: string[];
}

interface Measured {
  variant: Variant;
  problems: string[];
  notable: string[];
  load1: [number, number];
  idle: { rss: number; heapMiB: number; fds: number };
  load: {
    connected: number;
    rampS: number;
    setups: { median: number; min: number; max: number };
    minActive: number;
    ratios: { median: number; min: number; max: number };
    rssLoaded: number;
    heapLoaded: number;
    fdsLoaded: number;
    relayCpuPct: number;
    health: { polls: number; failures: number; p95Ms: number; maxMs: number };
  };
  soak: {
    done: number;
    seconds: number;
    setups: { median: number; min: number; max: number };
    base: { rssMiB: number; heapMiB: number; externalMiB: number; fds: number };
    samples: Array<{ n: number; rss: number; fds: number; heapMiB: number; externalMiB: number }>;
    end: { rssMiB: number; heapMiB: number; externalMiB: number; fds: number };
    /** From /metrics at the end: sessions started, and those whose audio the native echo took over. */
    started: number;
    native: number;
  };
}

async function measure(variant: Variant): Promise<Measured> {
  const load1Start = loadavg()[0] ?? Number.NaN;
  const relay = await startRelayProcess(
    loadRelayArgs(media),
    // Memory is read after a full collection (SIGUSR2, test/e2e/harness/gc-on-signal.ts): live memory.
    // A minute to start: on a machine loaded by other work, start-up alone has taken over 15 s.
    { nodeArgs: [...GC_ON_SIGNAL, ...variant.nodeArgs], serverJs: variant.serverJs, startTimeoutMs: 60_000 },
  );
  const pid = relay.child.pid as number;
  const cert = readFileSync(relay.certFile, 'utf8');
  const target = { port: relay.port, cert };
  const problems: string[] = [];
  const notable: string[] = [];

  async function metrics(): Promise<string> {
    return (await timedGet(relay.port, cert, '/metrics')).body;
  }
  async function activeSessions(): Promise<number> {
    return metricValue(await metrics(), 'svc_relay_sessions_active');
  }
  async function untilIdle(): Promise<void> {
    const deadline = performance.now() + 15_000;
    while ((await activeSessions()) > 0 && performance.now() < deadline) await sleep(100);
  }

  try {
    await sleep(500);
    const idleMem = await memoryAfterGc(pid, relay.port, cert);
    const idle = { rss: idleMem.rssMiB, heapMiB: idleMem.heapMiB, fds: await fdCount(pid) };
    // ---- Load: N concurrent sessions held for holdS seconds ----
    process.stderr.write(`${variant.label}: load: ${concurrent} sessions, ${holdS} s… `);
    const health = pollHealth(relay.port, cert, 200);
    const t0 = performance.now();
    const { streams, failures } = await openMany(target, concurrent, ramp);
    const rampS = (performance.now() - t0) / 1000;
    problems.push(...failures.map((f) => `load: a session failed to set up: ${f}`));
    await sleep(1000);
    const before = streams.map((s) => [s.peer.sentPackets, s.peer.echoedPackets] as const);
    const held0 = performance.now();
    const cpu0 = await cpuSeconds(pid);
    let minActive = Number.POSITIVE_INFINITY;
    while (performance.now() - held0 < holdS * 1000) {
      await sleep(1000);
      minActive = Math.min(minActive, await activeSessions());
    }
    const relayCpuPct = (((await cpuSeconds(pid)) - cpu0) / ((performance.now() - held0) / 1000)) * 100;
    const loaded = await memoryAfterGc(pid, relay.port, cert);
    const fdsLoaded = await fdCount(pid);
    const ratios = streams.map((s, i) => {
      const [sent0, echoed0] = before[i] as readonly [number, number];
      return (s.peer.echoedPackets - echoed0) / Math.max(1, s.peer.sentPackets - sent0);
    });
    const overEcho = streams.filter((s) => s.peer.echoedPackets > s.peer.sentPackets).length;
    const ended = streams.filter((s) => s.sig.messages.some((msg) => msg.type === 'session-ended')).length;
    const loadSetups = stats(streams.map((s) => s.setupMs));
    const healthResult = await health.stop();
    await Promise.all(streams.splice(0).map(closeEchoStream));
    await untilIdle();
    process.stderr.write('done\n');
    if (healthResult.failures) problems.push(`load: /healthz failed ${healthResult.failures} time(s)`);
    if (ended) problems.push(`load: ${ended} session(s) ended by the relay during the hold`);
    if (overEcho) problems.push(`load: ${overEcho} stream(s) got more packets back than they sent`);
    if (ratios.some((r) => r < 0.9)) problems.push('load: a stream got less than 90 % of its packets back');

    // ---- Soak: sessions one after another ----
    process.stderr.write(`${variant.label}: soak: ${warmUp} warm-up + ${sequential} sequential sessions… `);
    for (let i = 0; i < warmUp; i++) await closeEchoStream(await openEchoStream(target));
    await untilIdle();
    await sleep(2000);
    const base = { ...(await memoryAfterGc(pid, relay.port, cert)), fds: await fdCount(pid) };
    const samples: Array<{ n: number; rss: number; fds: number; heapMiB: number; externalMiB: number }> = [];
    let soakFailures = 0;
    const soakSetups: number[] = [];
    const soak0 = performance.now();
    for (let i = 1; i <= sequential; i++) {
      let s: EchoStream | null = null;
      try {
        s = await openEchoStream(target);
        soakSetups.push(s.setupMs);
        const deadline = performance.now() + 5000;
        while (s.peer.echoedPackets < 5 && performance.now() < deadline) await sleep(10);
        if (s.peer.echoedPackets < 5) problems.push(`soak: session ${i} got fewer than 5 packets back`);
      } catch (err) {
        soakFailures++;
        problems.push(`soak: session ${i}: ${(err as Error).message}`);
      } finally {
        if (s) await closeEchoStream(s);
      }
      if (i % 50 === 0 || i === sequential) {
        const mem = await memoryAfterGc(pid, relay.port, cert);
        samples.push({
          n: i,
          rss: mem.rssMiB,
          fds: await fdCount(pid),
          heapMiB: mem.heapMiB,
          externalMiB: mem.externalMiB,
        });
      }
    }
    const soakS = (performance.now() - soak0) / 1000;
    await untilIdle();
    await sleep(2000);
    const end = { ...(await memoryAfterGc(pid, relay.port, cert)), fds: await fdCount(pid) };
    process.stderr.write('done\n');
    if (end.fds > base.fds)
      problems.push(`soak: ${end.fds - base.fds} file descriptor(s) more than after the warm-up`);
    // The bound is on live memory (heap, external) and descriptors: RSS also keeps pages the allocator and
    // V8 touched once at a peak and did not give back (see BENCHMARKS.md), printed beside them, not judged.
    if (end.heapMiB > base.heapMiB * 1.05) {
      problems.push(`soak: heap ${fmt(end.heapMiB, 1)} MB is more than 5 % over ${fmt(base.heapMiB, 1)} MB`);
    }
    if (end.externalMiB > base.externalMiB * 1.05) {
      problems.push(
        `soak: external ${fmt(end.externalMiB, 1)} MB is more than 5 % over ${fmt(base.externalMiB, 1)} MB`,
      );
    }
    const final = await metrics();
    const started = metricValue(final, 'svc_relay_sessions_started_total');
    const native = metricValue(final, 'svc_relay_native_echo_sessions_total');
    const errors = final.match(/^svc_relay_errors_caught_total\{[^}]*\} [1-9].*$/m);
    if (errors) problems.push(`relay caught errors: ${errors[0]}`);
    return {
      variant,
      problems,
      notable,
      load1: [load1Start, loadavg()[0] ?? Number.NaN],
      idle,
      load: {
        connected: concurrent - failures.length,
        rampS,
        setups: loadSetups,
        minActive,
        ratios: stats(ratios),
        rssLoaded: loaded.rssMiB,
        heapLoaded: loaded.heapMiB,
        fdsLoaded,
        relayCpuPct,
        health: healthResult,
      },
      soak: {
        done: sequential - soakFailures,
        seconds: soakS,
        setups: stats(soakSetups),
        base,
        samples,
        end,
        started,
        native,
      },
    };
  } finally {
    await relay.stop('SIGTERM');
    // The relay's own account of anything that went wrong (warn and above, and failed sessions).
    notable.push(
      ...relay.logs.filter((line) => {
        try {
          const entry = JSON.parse(line) as { level?: number; event?: string };
          return (entry.level ?? 0) >= 40 || entry.event === 'media-session-failed';
        } catch {
          return line.trim() !== '';
        }
      }),
    );
  }
}

const work = workDir();
const variants: Variant[] = [];
try {
  if (values.compare) variants.push({ ...relayAt(values.compare, work.path), nodeArgs: [] });
  const tree = relayAt(null, work.path);
  // V8's default growth factor, given on the command line, which the relay then leaves alone.
  if (values['v8-young-generation'])
    variants.push({
      label: `${tree.label}, V8's young generation`,
      serverJs: tree.serverJs,
      nodeArgs: ['--semi-space-growth-factor=2'],
    });
  variants.push({ ...tree, nodeArgs: [] });
} catch (err) {
  work.remove();
  throw err;
}
const results: Measured[] = [];
try {
  for (const v of variants) results.push(await measure(v));
} finally {
  work.remove();
}

printMachine(m);
console.log('## Method');
console.log(`- Relay: a dist/relay/server.js as a child process on 127.0.0.1 (port 0, temp data dir, media ports
  ${media.range}, --max-sessions ${media.size}, per-address caps lifted because one loopback address plays every
  client, default setup timeout, bitrate cap and log level). Relays measured one after another in this run:
  ${variants.map((v) => `"${v.label}"${v.nodeArgs.length ? ` (node ${v.nodeArgs.join(' ')})` : ''}`).join(', ')}${values.compare ? ` (${values.compare} built by its own scripts/build.ts)` : ''}.
- Load generator: this script's process, werift peers (test/helpers/werift-browser.ts) over the relay's WSS
  signaling, mode 'extended', each sending one audio RTP stream (50 packets/s, 80-byte payload, DTLS-SRTP) and
  counting the echo. Setup time = offer sent to first echoed packet, per session, with at most ${ramp} setting up
  at once. /healthz polled every 200 ms from the start of the ramp to the end of the hold.
- Load: ${concurrent} sessions held ${holdS} s after all were up (+1 s to settle); memory per session = (RSS with
  all sessions up - idle RSS) / sessions connected; relay CPU = its utime + stime over the hold, % of one core.
- Soak: ${warmUp} warm-up sessions, then ${sequential} sessions one after another (connect, at least 5 packets
  echoed, bye); RSS (VmRSS), open file descriptors (/proc/<pid>/fd), V8 heap in use and external memory
  (/metrics) every 50 sessions and 2 s after the last, against the figures 2 s after the warm-up. The 5 %
  bound applies to descriptors, heap and external; RSS is printed, not judged (pages touched once stay). Every memory figure (idle and
  loaded too) is read 0.5 s after a full garbage collection (the relay runs with --expose-gc and
  test/e2e/harness/gc-on-signal.ts; SIGUSR2 collects), so it is live memory, not V8's lazy collection.
- 1-minute load average at the start and end of each relay's measurement is in the tables: the machine is
  shared, and the load generator shares its cores with the relay.
`);
console.log('## Load');
console.log(
  table(
    [
      'relay',
      'load avg start / end',
      'sessions',
      'connected',
      'ramp s',
      'setup ms median (min-max)',
      'min active during hold',
      'echo ratio min / median',
      'RSS idle → loaded MB',
      'MB per session',
      'heap MB idle → loaded',
      'heap MB per session',
      'relay CPU % of a core',
      'fds loaded',
      '/healthz polls (failed)',
      '/healthz p95 / max ms',
    ],
    results.map(({ variant, load1, idle, load }) => [
      variant.label,
      `${fmt(load1[0], 1)} / ${fmt(load1[1], 1)}`,
      String(concurrent),
      `${load.connected}/${concurrent}`,
      fmt(load.rampS, 1),
      `${fmt(load.setups.median)} (${fmt(load.setups.min)}-${fmt(load.setups.max)})`,
      String(load.minActive),
      `${fmt(load.ratios.min, 3)} / ${fmt(load.ratios.median, 3)}`,
      `${fmt(idle.rss)} → ${fmt(load.rssLoaded)}`,
      fmt((load.rssLoaded - idle.rss) / Math.max(1, load.connected), 2),
      `${fmt(idle.heapMiB, 1)} → ${fmt(load.heapLoaded, 1)}`,
      fmt((load.heapLoaded - idle.heapMiB) / Math.max(1, load.connected), 3),
      fmt(load.relayCpuPct),
      String(load.fdsLoaded),
      `${load.health.polls} (${load.health.failures})`,
      `${fmt(load.health.p95Ms, 1)} / ${fmt(load.health.maxMs, 1)}`,
    ]),
  ),
);
for (const { variant, soak } of results) {
  console.log('');
  console.log(`## Soak: ${variant.label}`);
  console.log(
    `${soak.done}/${sequential} sessions in ${fmt(soak.seconds, 1)} s; setup (offer → first echo) median ${fmt(soak.setups.median)} ms (${fmt(soak.setups.min)}-${fmt(soak.setups.max)}).`,
  );
  console.log(
    `The native echo took ${soak.native} of the ${soak.started} sessions the relay started over the whole run (load, warm-up and soak; /metrics svc_relay_native_echo_sessions_total and svc_relay_sessions_started_total).`,
  );
  console.log('');
  const pct = (x: number, base: number) => `${x >= base ? '+' : ''}${fmt(((x - base) / base) * 100, 1)} %`;
  console.log(
    table(
      ['after session', 'RSS MB', 'open fds', 'heap used MB', 'external MB'],
      [
        [
          'warm-up done',
          fmt(soak.base.rssMiB, 1),
          String(soak.base.fds),
          fmt(soak.base.heapMiB, 1),
          fmt(soak.base.externalMiB, 2),
        ],
        ...soak.samples.map((x) => [
          String(x.n),
          fmt(x.rss, 1),
          String(x.fds),
          fmt(x.heapMiB, 1),
          fmt(x.externalMiB, 2),
        ]),
        [
          'end + 2 s',
          fmt(soak.end.rssMiB, 1),
          String(soak.end.fds),
          fmt(soak.end.heapMiB, 1),
          fmt(soak.end.externalMiB, 2),
        ],
        [
          'end vs warm-up',
          pct(soak.end.rssMiB, soak.base.rssMiB),
          pct(soak.end.fds, soak.base.fds),
          pct(soak.end.heapMiB, soak.base.heapMiB),
          pct(soak.end.externalMiB, soak.base.externalMiB),
        ],
      ],
    ),
  );
}
const problems = results.flatMap((r) => r.problems.map((p) => `${r.variant.label}: ${p}`));
console.log(problems.length ? `\nProblems:\n- ${problems.join('\n- ')}` : '\nNo problems.');
for (const r of results) {
  if (r.notable.length)
    console.log(
      `\nRelay log of ${r.variant.label}, warnings and failed sessions:\n${r.notable.slice(0, 40).join('\n')}`,
    );
}
// A closed werift client peer keeps one UDP socket open (see BENCHMARKS.md), which would keep this alive.
process.exit(problems.length ? 1 : 0);
