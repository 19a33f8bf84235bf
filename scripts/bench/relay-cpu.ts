/**
 * Benchmark: the relay's CPU per concurrently echoed audio stream. The relay runs as its own child process so
 * /proc/<pid>/stat charges it alone; this script is the load generator (werift peers playing the browser).
 *   node scripts/bench/relay-cpu.ts [--streams 1,20,50] [--seconds 15] [--media-ports 28100-28199]
 *                                   [--ramp 10]
 * Needs a build of the relay (npm run bench:relay-cpu builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MEDIA_DURATION_MS } from '../../src/protocol/relay-messages.ts';
import { type RelayProcess, startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import type { TestRelay } from '../../test/helpers/in-process-relay.ts';
import { CLK_TCK, cpuSeconds, fdCount, rssMiB } from '../../test/helpers/relay-load.ts';
import { SignalingClient } from '../../test/helpers/signaling-client.ts';
import { BrowserPeer } from '../../test/helpers/werift-browser.ts';
import {
  boundedInt,
  busyCorePct,
  fmt,
  loadRelayArgs,
  machine,
  median,
  portRange,
  printMachine,
  ROOT,
  sleep,
  systemJiffies,
  table,
} from './common.ts';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1,20,50' },
    seconds: { type: 'string', default: '15' },
    // Below Linux's ephemeral range, and away from the ranges tests use (40000-40199, 47000-47199).
    'media-ports': { type: 'string', default: '28100-28199' },
    /** Sessions set up at once: a burst of 50 DTLS handshakes in one Node process only measures the burst. */
    ramp: { type: 'string', default: '10' },
  },
});
const media = portRange('media-ports', values['media-ports']);
if (media.size < 60) throw new Error('--media-ports: give at least 60 ports');
const levels = values.streams.split(',').map((s) => boundedInt('streams', s.trim(), 1, media.size));
const seconds = boundedInt('seconds', values.seconds, 5, 25);
const rampConcurrency = boundedInt('ramp', values.ramp, 1, 50);
const SETUP_LIMIT_MS = 15_000;
const SETTLE_MS = 1000;
const IDLE_MS = 2000;
const SLICES = 5;
const m = machine(false);
// Sessions are 'extended': the relay ends each one 30 s of media + its setup timeout (10 s default) + 5 s after
// its offer. Setup, settle and the window must fit in that, or streams would end inside the window; a window
// of at most 25 s leaves the setup 19 s, and any session that does end is reported as a problem.
const SESSION_LIFETIME_MS = MEDIA_DURATION_MS.extended + 10_000 + 5000;
if (!existsSync(join(ROOT, 'dist/relay/server.js'))) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}

interface Stream {
  sig: SignalingClient;
  peer: BrowserPeer;
}

/** Opens signaling and a werift peer, and resolves once the relay's echo has come back. */
async function openStream(relay: RelayProcess, cert: string): Promise<Stream> {
  // SignalingClient reads only the port and the certificate to trust of a TestRelay.
  const sig = await SignalingClient.open({ port: relay.port, tls: { cert } } as unknown as TestRelay);
  const peer = new BrowserPeer({ mode: 'extended' });
  const stream = { sig, peer };
  try {
    await peer.connect(sig);
    // A browser sends as soon as it has a track; werift drops what it writes before SRTP is keyed.
    peer.startRtp();
    const deadline = performance.now() + SETUP_LIMIT_MS;
    while (peer.echoedPackets === 0) {
      const refusal = sig.messages.find((m) => m.type === 'error' || m.type === 'session-ended');
      if (refusal) throw new Error(`relay refused: ${JSON.stringify(refusal)}`);
      if (performance.now() > deadline) throw new Error(`no echo within ${SETUP_LIMIT_MS / 1000} s`);
      await sleep(20);
    }
    return stream;
  } catch (err) {
    await closeStream(stream);
    throw err;
  }
}

async function closeStream({ sig, peer }: Stream): Promise<void> {
  try {
    sig.send({ type: 'bye' });
  } catch {
    // socket already closed
  }
  sig.close();
  await peer.close().catch(() => undefined);
}

interface Level {
  streams: number;
  connected: number;
  setupFailures: string[];
  rampS: number;
  relayCpuPct: number;
  /** The window cut into SLICES parts: their spread shows how steady the figure is. */
  relaySliceCpuPct: number[];
  relayIdleCpuPct: number;
  loadGenCpuPct: number;
  /** CPU of everything else on the machine (other work shares it), % of one core. */
  othersCpuPct: number;
  /** Whether the relay's open file descriptors came back to their idle count after every session closed. */
  fdsReleased: boolean;
  rssIdleMiB: number;
  rssMiB: number;
  /** Packets per second each stream really sent: 50 unless the load generator fell behind. */
  sentRateMedian: number;
  echoAggregate: number;
  echoMin: number;
  echoMedian: number;
  silentStreams: number;
  endedInWindow: number;
}

async function runLevel(n: number): Promise<Level> {
  const relay = await startRelayProcess(loadRelayArgs(media));
  const pid = relay.child.pid as number;
  const cert = readFileSync(relay.certFile, 'utf8');
  const streams: Stream[] = [];
  const setupFailures: string[] = [];
  let result: Level | undefined;
  try {
    await sleep(500);
    const rssIdleMiB = await rssMiB(pid);
    const fdsIdle = await fdCount(pid);
    const idle0 = { t: performance.now(), cpu: await cpuSeconds(pid) };
    await sleep(IDLE_MS);
    const relayIdleCpuPct =
      (((await cpuSeconds(pid)) - idle0.cpu) / ((performance.now() - idle0.t) / 1000)) * 100;

    // Ramp: at most rampConcurrency setups in flight, as many independent callers would arrive.
    const rampStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(rampConcurrency, n) }, async () => {
        while (next < n) {
          next++;
          try {
            streams.push(await openStream(relay, cert));
          } catch (err) {
            setupFailures.push((err as Error).message);
          }
        }
      }),
    );
    const rampS = (performance.now() - rampStart) / 1000;
    if (rampS * 1000 + SETTLE_MS + seconds * 1000 > SESSION_LIFETIME_MS) {
      setupFailures.push(`setup took ${rampS.toFixed(1)} s: the first sessions will end inside the window`);
    }
    await sleep(SETTLE_MS);

    const before = {
      t: performance.now(),
      relay: await cpuSeconds(pid),
      self: process.cpuUsage(),
      sys: systemJiffies(),
      counts: streams.map((s) => [s.peer.sentPackets, s.peer.echoedPackets] as const),
    };
    const relaySliceCpuPct: number[] = [];
    let slice = { t: before.t, cpu: before.relay };
    for (let i = 0; i < SLICES; i++) {
      await sleep((seconds * 1000) / SLICES);
      const now = { t: performance.now(), cpu: await cpuSeconds(pid) };
      relaySliceCpuPct.push(((now.cpu - slice.cpu) / ((now.t - slice.t) / 1000)) * 100);
      slice = now;
    }
    const after = {
      t: performance.now(),
      relay: await cpuSeconds(pid),
      self: process.cpuUsage(before.self),
      sys: systemJiffies(),
      counts: streams.map((s) => [s.peer.sentPackets, s.peer.echoedPackets] as const),
    };
    const rss = await rssMiB(pid);
    const wallS = (after.t - before.t) / 1000;
    const relayCpuPct = ((after.relay - before.relay) / wallS) * 100;
    const loadGenCpuPct = ((after.self.user + after.self.system) / 1e6 / wallS) * 100;
    // /proc/stat's first line sums all cores: scale its busy share to "% of one core" like the others.
    const machineCorePct = busyCorePct(before.sys, after.sys);

    const ratios = after.counts.map(([sent, echoed], i) => {
      const [sent0, echoed0] = before.counts[i] as readonly [number, number];
      return (echoed - echoed0) / Math.max(1, sent - sent0);
    });
    const sentTotal = after.counts.reduce((a, [s], i) => a + s - (before.counts[i]?.[0] ?? 0), 0);
    const echoTotal = after.counts.reduce((a, [, e], i) => a + e - (before.counts[i]?.[1] ?? 0), 0);
    result = {
      streams: n,
      connected: streams.length,
      setupFailures,
      rampS,
      relayCpuPct,
      relaySliceCpuPct,
      relayIdleCpuPct,
      loadGenCpuPct,
      // Three clocks sampled at slightly different moments: a small negative remainder is noise, shown as 0.
      othersCpuPct: Math.max(0, machineCorePct - relayCpuPct - loadGenCpuPct),
      fdsReleased: false,
      rssIdleMiB,
      rssMiB: rss,
      sentRateMedian: median(after.counts.map(([sent], i) => (sent - (before.counts[i]?.[0] ?? 0)) / wallS)),
      echoAggregate: echoTotal / Math.max(1, sentTotal),
      echoMin: ratios.length ? Math.min(...ratios) : Number.NaN,
      echoMedian: median(ratios),
      silentStreams: ratios.filter((r) => r === 0).length,
      endedInWindow: streams.filter((s) => s.sig.messages.some((m) => m.type === 'session-ended')).length,
    };
    await Promise.all(streams.splice(0).map(closeStream));
    // Each session's sockets close asynchronously (the relay waits up to 2 s per close).
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && (await fdCount(pid)) > fdsIdle) await sleep(100);
    result.fdsReleased = (await fdCount(pid)) <= fdsIdle;
    return result;
  } finally {
    await Promise.all(streams.map(closeStream));
    await relay.stop();
  }
}

const results: Level[] = [];
for (const n of levels) {
  process.stderr.write(`${n} stream(s): setting up, then ${seconds} s window… `);
  const r = await runLevel(n);
  results.push(r);
  process.stderr.write(`relay ${fmt(r.relayCpuPct, 1)} % of a core, ${r.connected}/${n} connected\n`);
}

printMachine(m);
console.log('## Method');
console.log(`- Relay: dist/relay/server.js as a child process on 127.0.0.1 (port 0, temp data dir, media ports ${media.range},
  --max-sessions ${media.size}, per-address caps lifted since one loopback address plays every client, default
  setup timeout, bitrate cap and log level); a fresh relay for each level.
- Load: this script's own process (separate from the relay, sharing the same ${m.nproc} cores) runs N werift peers
  (test/helpers/werift-browser.ts) over the relay's WSS signaling (test/helpers/signaling-client.ts), mode
  'extended'. Each sends one audio RTP stream: 50 packets/s, 20 ms frames, 80-byte payload (Opus-sized),
  DTLS-SRTP, and counts the packets echoed back. No data-channel probes (the extension also sends those).
- Setup: at most ${rampConcurrency} sessions set up at once; a stream counts as connected on its first echoed packet
  (limit ${SETUP_LIMIT_MS / 1000} s). Then ${SETTLE_MS / 1000} s to settle.
- Window: ${seconds} s after all N are connected. Relay CPU = delta of utime+stime in /proc/<pid>/stat
  (CLK_TCK ${CLK_TCK}) / wall time, as % of one core, over the whole window; also over ${SLICES} equal slices
  of it (median and min-max, to show the spread), and idle (${IDLE_MS / 1000} s before any session).
- RSS = VmRSS from /proc/<pid>/status at the end of the window (idle = before any session).
- Echo ratio = packets echoed / packets sent per stream within the window; sent pkt/s shows the offered load.
- Load generator CPU (process.cpuUsage) and the rest of the machine's CPU (/proc/stat busy minus relay and
  load generator: other work on the machine) are printed, as % of one core, to show whether the ${m.nproc} cores
  (${m.nproc * 100} %) were saturated, which would throttle the offered load and inflate latencies.
- After the window every session says bye; the relay's open file descriptors must return to the idle count.
`);

console.log('## Results');
console.log(
  table(
    [
      'streams',
      'connected',
      'relay CPU % of one core',
      `slices median (min-max)`,
      'CPU % per stream',
      'idle CPU %',
      'RSS MB (idle)',
      'sent pkt/s per stream',
      'echo ratio (all / min / median)',
      'load-gen CPU %',
      'others CPU %',
      'setup s',
    ],
    results.map((r) => [
      String(r.streams),
      `${r.connected}/${r.streams}`,
      fmt(r.relayCpuPct, 1),
      `${fmt(median(r.relaySliceCpuPct), 1)} (${fmt(Math.min(...r.relaySliceCpuPct), 1)}-${fmt(Math.max(...r.relaySliceCpuPct), 1)})`,
      fmt(r.relayCpuPct / Math.max(1, r.connected), 2),
      fmt(r.relayIdleCpuPct, 1),
      `${fmt(r.rssMiB)} (${fmt(r.rssIdleMiB)})`,
      fmt(r.sentRateMedian, 1),
      `${fmt(r.echoAggregate, 3)} / ${fmt(r.echoMin, 3)} / ${fmt(r.echoMedian, 3)}`,
      fmt(r.loadGenCpuPct, 1),
      fmt(r.othersCpuPct, 0),
      fmt(r.rampS, 1),
    ]),
  ),
);

const problems = results.flatMap((r) => [
  ...r.setupFailures.map((f) => `${r.streams} streams: a session failed to set up: ${f}`),
  ...(r.silentStreams
    ? [`${r.streams} streams: ${r.silentStreams} stream(s) got no echo in the window`]
    : []),
  ...(r.endedInWindow ? [`${r.streams} streams: ${r.endedInWindow} session(s) ended by the relay`] : []),
  ...(r.fdsReleased ? [] : [`${r.streams} streams: the relay kept file descriptors open after every bye`]),
]);
console.log(
  problems.length
    ? `\nProblems:\n- ${problems.join('\n- ')}`
    : '\nEvery session connected and got its echo back.',
);
// Exit explicitly: a closed werift client peer (the load generator's, not the relay's) keeps one UDP socket
// open, which would keep this process alive. The relay's own descriptors are checked above.
process.exit(problems.length ? 1 : 0);
