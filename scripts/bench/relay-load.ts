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
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GC_ON_SIGNAL, startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import {
  closeEchoStream,
  type EchoStream,
  fdCount,
  memoryAfterGc,
  metricValue,
  openEchoStream,
  openMany,
  pollHealth,
  timedGet,
} from '../../test/helpers/relay-load.ts';
import { boundedInt, fmt, machine, portRange, printMachine, ROOT, sleep, stats, table } from './common.ts';

const { values } = parseArgs({
  options: {
    concurrent: { type: 'string', default: '100' },
    'hold-seconds': { type: 'string', default: '30' },
    ramp: { type: 'string', default: '10' },
    sequential: { type: 'string', default: '500' },
    'warm-up': { type: 'string', default: '20' },
    // Below Linux's ephemeral range and away from the ranges tests and relay-cpu use.
    'media-ports': { type: 'string', default: '28200-28399' },
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

const relay = await startRelayProcess(
  [
    '--media-ports',
    media.range,
    '--max-sessions',
    String(media.size),
    // One loopback address plays every client here.
    '--max-sessions-per-address',
    String(media.size),
    '--session-starts-per-minute',
    '100000',
  ],
  // Memory is read after a full collection (SIGUSR2, test/e2e/harness/gc-on-signal.ts): live memory.
  { nodeArgs: GC_ON_SIGNAL },
);
const pid = relay.child.pid as number;
const cert = readFileSync(relay.certFile, 'utf8');
const target = { port: relay.port, cert };
const problems: string[] = [];

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
  const idle = { rss: (await memoryAfterGc(pid, relay.port, cert)).rssMiB, fds: await fdCount(pid) };

  // ---- Load: N concurrent sessions held for holdS seconds ----
  process.stderr.write(`load: ${concurrent} sessions, ${holdS} s… `);
  const health = pollHealth(relay.port, cert, 200);
  const t0 = performance.now();
  const { streams, failures } = await openMany(target, concurrent, ramp);
  const rampS = (performance.now() - t0) / 1000;
  problems.push(...failures.map((f) => `load: a session failed to set up: ${f}`));
  await sleep(1000);
  const before = streams.map((s) => [s.peer.sentPackets, s.peer.echoedPackets] as const);
  const held0 = performance.now();
  let minActive = Number.POSITIVE_INFINITY;
  while (performance.now() - held0 < holdS * 1000) {
    await sleep(1000);
    minActive = Math.min(minActive, await activeSessions());
  }
  const rssLoaded = (await memoryAfterGc(pid, relay.port, cert)).rssMiB;
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
  process.stderr.write(`soak: ${warmUp} warm-up + ${sequential} sequential sessions… `);
  for (let i = 0; i < warmUp; i++) await closeEchoStream(await openEchoStream(target));
  await untilIdle();
  await sleep(2000);
  const base = { ...(await memoryAfterGc(pid, relay.port, cert)), fds: await fdCount(pid) };
  const samples: Array<{ n: number; rss: number; fds: number; heapMiB: number }> = [];
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
      samples.push({ n: i, rss: mem.rssMiB, fds: await fdCount(pid), heapMiB: mem.heapMiB });
    }
  }
  const soakS = (performance.now() - soak0) / 1000;
  await untilIdle();
  await sleep(2000);
  const end = { ...(await memoryAfterGc(pid, relay.port, cert)), fds: await fdCount(pid) };
  process.stderr.write('done\n');
  if (end.fds > base.fds)
    problems.push(`soak: ${end.fds - base.fds} file descriptor(s) more than after the warm-up`);
  if (end.rssMiB > base.rssMiB * 1.1) {
    problems.push(`soak: RSS ${fmt(end.rssMiB)} MB is more than 10 % over ${fmt(base.rssMiB)} MB`);
  }
  if (end.heapMiB > base.heapMiB * 1.1) {
    problems.push(`soak: heap ${fmt(end.heapMiB, 1)} MB is more than 10 % over ${fmt(base.heapMiB, 1)} MB`);
  }
  const errors = (await metrics()).match(/^svc_relay_errors_caught_total\{[^}]*\} [1-9].*$/m);
  if (errors) problems.push(`relay caught errors: ${errors[0]}`);

  printMachine(m);
  console.log('## Method');
  console.log(`- Relay: dist/relay/server.js as a child process on 127.0.0.1 (port 0, temp data dir, media ports
  ${media.range}, --max-sessions ${media.size}, per-address caps lifted because one loopback address plays every
  client, default setup timeout, bitrate cap and log level).
- Load generator: this script's process, werift peers (test/helpers/werift-browser.ts) over the relay's WSS
  signaling, mode 'extended', each sending one audio RTP stream (50 packets/s, 80-byte payload, DTLS-SRTP) and
  counting the echo. Setup time = offer sent to first echoed packet, per session, with at most ${ramp} setting up
  at once. /healthz polled every 200 ms from the start of the ramp to the end of the hold.
- Load: ${concurrent} sessions held ${holdS} s after all were up (+1 s to settle); memory per session = (RSS with
  all sessions up - idle RSS) / sessions.
- Soak: ${warmUp} warm-up sessions, then ${sequential} sessions one after another (connect, at least 5 packets
  echoed, bye); RSS (VmRSS), open file descriptors (/proc/<pid>/fd) and V8 heap in use (/metrics) every 50
  sessions and 2 s after the last, against the figures 2 s after the warm-up. Every memory figure (idle and
  loaded too) is read 0.5 s after a full garbage collection (the relay runs with --expose-gc and
  test/e2e/harness/gc-on-signal.ts; SIGUSR2 collects), so it is live memory, not V8's lazy collection.
`);
  console.log('## Load');
  const st = stats(ratios);
  console.log(
    table(
      [
        'sessions',
        'connected',
        'ramp s',
        'setup ms median (min-max)',
        'held s',
        'min active during hold',
        'echo ratio min / median',
        'RSS idle → loaded MB',
        'MB per session',
        'fds loaded',
        '/healthz polls (failed)',
        '/healthz p95 / max ms',
      ],
      [
        [
          String(concurrent),
          `${concurrent - failures.length}/${concurrent}`,
          fmt(rampS, 1),
          `${fmt(loadSetups.median)} (${fmt(loadSetups.min)}-${fmt(loadSetups.max)})`,
          String(holdS),
          String(minActive),
          `${fmt(st.min, 3)} / ${fmt(st.median, 3)}`,
          `${fmt(idle.rss)} → ${fmt(rssLoaded)}`,
          fmt((rssLoaded - idle.rss) / Math.max(1, concurrent - failures.length), 2),
          String(fdsLoaded),
          `${healthResult.polls} (${healthResult.failures})`,
          `${fmt(healthResult.p95Ms, 1)} / ${fmt(healthResult.maxMs, 1)}`,
        ],
      ],
    ),
  );
  console.log('');
  console.log('## Soak');
  const ss = stats(soakSetups);
  console.log(
    `${sequential - soakFailures}/${sequential} sessions in ${fmt(soakS, 1)} s; setup (offer → first echo) median ${fmt(ss.median)} ms (${fmt(ss.min)}-${fmt(ss.max)}).`,
  );
  console.log('');
  console.log(
    table(
      ['after session', 'RSS MB', 'open fds', 'heap used MB'],
      [
        ['warm-up done', fmt(base.rssMiB, 1), String(base.fds), fmt(base.heapMiB, 1)],
        ...samples.map((s) => [String(s.n), fmt(s.rss, 1), String(s.fds), fmt(s.heapMiB, 1)]),
        ['end + 2 s', fmt(end.rssMiB, 1), String(end.fds), fmt(end.heapMiB, 1)],
      ],
    ),
  );
} finally {
  await relay.stop('SIGTERM');
}
console.log(problems.length ? `\nProblems:\n- ${problems.join('\n- ')}` : '\nNo problems.');
// The relay's own account of anything that went wrong (warn and above, and failed sessions).
const notable = relay.logs.filter((line) => {
  try {
    const entry = JSON.parse(line) as { level?: number; event?: string };
    return (entry.level ?? 0) >= 40 || entry.event === 'media-session-failed';
  } catch {
    return line.trim() !== '';
  }
});
if (notable.length)
  console.log(`\nRelay log, warnings and failed sessions:\n${notable.slice(0, 40).join('\n')}`);
// A closed werift client peer keeps one UDP socket open (see BENCHMARKS.md), which would keep this alive.
process.exit(problems.length ? 1 : 0);
