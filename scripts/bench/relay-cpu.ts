/**
 * Benchmark: the relay's CPU, memory and echo delay per concurrently echoed audio stream. The relay runs as
 * its own child process so /proc/<pid>/stat charges it alone; the callers run in --clients forked load
 * generator processes (relay-cpu-client.ts), of the kinds --callers names: 'native' (werift set-ups handed
 * to a native pump, callers/native.ts) or 'ldc' (libdatachannel peers driven from JavaScript, callers/ldc.ts).
 *   node scripts/bench/relay-cpu.ts [--streams 50,200] [--seconds 15] [--media-ports 28100-28699]
 *                                   [--ramp 10] [--clients 2] [--profile DIR] [--echo-path werift,lean,native]
 *                                   [--compare REF] [--callers native,ldc] [--pin 1:0|none]
 *                                   [--native-echo-thread on,off] [--native-echo-priority normal,short-slice,high]
 *                                   [--gc one-helper,single,parallel]
 * Needs a build of the relay (npm run bench:relay-cpu builds first). --compare measures that commit's relay
 * (built by its own build script) beside this tree's at every level, alternating which goes first (ABBA).
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MAX_MEDIA_DURATION_S } from '../../src/protocol/relay-messages.ts';
import { RELAY_NODE_FLAGS } from '../../src/relay/gc-threads.ts';
import { GC_ON_SIGNAL, startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import {
  CLK_TCK,
  cpuSeconds,
  fdCount,
  memoryAfterGc,
  metricValue,
  rssMiB,
  timedGet,
} from '../../test/helpers/relay-load.ts';
import { relayAt, workDir } from './builds.ts';
import { CALLER_KINDS, type CallerKind, NATIVE_TICK_US } from './callers/pool.ts';
import {
  boundedInt,
  busyCorePct,
  fmt,
  loadRelayArgs,
  machine,
  median,
  percentile,
  portRange,
  printMachine,
  ROOT,
  sleep,
  systemJiffies,
  table,
} from './common.ts';
import { cyclictestUnavailable, HISTOGRAM_US, startCyclictest, type WakeUp } from './cyclictest.ts';
import { captureUnavailable, type EchoDelay, measureEchoDelay } from './echo-delay.ts';
import type { FromClient, ToClient } from './relay-cpu-client.ts';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '50,200' },
    seconds: { type: 'string', default: '15' },
    // Below Linux's ephemeral range, and away from the ranges tests use (40000-40199, 47000-47199).
    'media-ports': { type: 'string', default: '28100-28699' },
    /** Sessions set up at once (across all clients): a burst of DTLS handshakes only measures the burst. */
    ramp: { type: 'string', default: '10' },
    /** Load generator processes: one alone cannot set up and feed hundreds of callers in time. */
    clients: { type: 'string', default: '2' },
    /** A directory for the relay's V8 CPU profiles (node --cpu-prof), one per level: where the time goes. */
    profile: { type: 'string' },
    /** The relay's --echo-path values to measure, each at every level, in this order (before/after in one run). */
    'echo-path': { type: 'string', default: 'werift,lean' },
    /**
     * With --echo-path native: the relay's --native-echo-thread values to measure, each a variant of its own
     * (the add-on's echo thread, or polling in the main loop).
     */
    'native-echo-thread': { type: 'string', default: 'on' },
    /** With --echo-path native: the relay's --native-echo-priority values, each a variant of its own. */
    'native-echo-priority': { type: 'string', default: 'high' },
    /** V8's garbage collector, each a variant of its own (GC_FLAGS); the default is the relay as deployed. */
    gc: { type: 'string' },
    /** A commit whose relay is measured beside this tree's, in the same run. */
    compare: { type: 'string' },
    /**
     * Scheduling priority (nice, -20..19) of the relay and the load generators. On a machine shared with
     * other work, at the default 0 each runnable process gets its fair share of the cores and no more: with
     * twenty runnable processes on two cores that is ~10 % of a core, far less than 200 streams need, and
     * the echoes queue for seconds. A negative value (root) lets the measured processes take what they need.
     */
    nice: { type: 'string', default: '0' },
    /** Seconds of loopback capture after each window, for the delay the relay adds per echo (0: none). */
    'delay-seconds': { type: 'string', default: '3' },
    /** The load generators' kinds, each measured at every level, in this order. */
    callers: { type: 'string', default: 'native' },
    /**
     * CPU affinity "RELAY:CALLERS" (taskset): the relay on one CPU, the load generators, this script and
     * tcpdump on another, so the relay has a core of its own; "none" leaves scheduling to the kernel.
     */
    pin: { type: 'string', default: '1:0' },
  },
});
const media = portRange('media-ports', values['media-ports']);
if (media.size < 60) throw new Error('--media-ports: give at least 60 ports');
const levels = values.streams.split(',').map((s) => boundedInt('streams', s.trim(), 1, media.size));
const seconds = boundedInt('seconds', values.seconds, 5, 25);
const rampConcurrency = boundedInt('ramp', values.ramp, 1, 50);
const clientCount = boundedInt('clients', values.clients, 1, 8);
const nice = Number(values.nice);
if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw new Error('--nice: an integer from -20 to 19');
const delaySeconds = boundedInt('delay-seconds', values['delay-seconds'], 0, 10);
const delayUnavailable = delaySeconds === 0 ? 'not asked for (--delay-seconds 0)' : captureUnavailable();
const cyclictestMissing = cyclictestUnavailable();
const ECHO_PATHS = ['werift', 'lean', 'native'] as const;
type EchoPath = (typeof ECHO_PATHS)[number];
const echoPaths = values['echo-path'].split(',').map((p): EchoPath => {
  const path = ECHO_PATHS.find((x) => x === p.trim());
  if (!path) throw new Error(`--echo-path: each of ${ECHO_PATHS.join(', ')}`);
  return path;
});
const threadModes = values['native-echo-thread'].split(',').map((t) => {
  const mode = t.trim();
  if (mode !== 'on' && mode !== 'off') throw new Error('--native-echo-thread: each of on, off');
  return mode;
});
const priorities = values['native-echo-priority'].split(',').map((t) => {
  const priority = t.trim();
  if (priority !== 'normal' && priority !== 'short-slice' && priority !== 'high')
    throw new Error('--native-echo-priority: each of normal, short-slice, high');
  return priority;
});
/**
 * The node flags each --gc value starts the relay with: 'single' collects on the main thread only,
 * 'one-helper' gives V8 one helper thread (--v8-pool-size=1), 'parallel' is V8's default (helpers as
 * Node's platform has, four).
 */
const GC_FLAGS = {
  single: ['--single-threaded-gc'],
  'one-helper': ['--v8-pool-size=1'],
  parallel: [],
} as const satisfies Record<string, readonly string[]>;
type GcMode = keyof typeof GC_FLAGS;
const isGcMode = (m: string): m is GcMode => Object.hasOwn(GC_FLAGS, m);
const deployedGc = (Object.keys(GC_FLAGS) as GcMode[]).find(
  (m) => GC_FLAGS[m].join(' ') === RELAY_NODE_FLAGS.join(' '),
);
if (!deployedGc)
  throw new Error(`GC_FLAGS has no entry for the deployed flags (${RELAY_NODE_FLAGS.join(' ')})`);
const gcModes = (values.gc ?? deployedGc).split(',').map((g): GcMode => {
  const mode = g.trim();
  if (!isGcMode(mode)) throw new Error(`--gc: each of ${Object.keys(GC_FLAGS).join(', ')}`);
  return mode;
});
const callerKinds = values.callers.split(',').map((k): CallerKind => {
  const kind = CALLER_KINDS.find((x) => x === k.trim());
  if (!kind) throw new Error(`--callers: each of ${CALLER_KINDS.join(', ')}`);
  return kind;
});
const pin = parsePin(values.pin);
function parsePin(spec: string): { relay: number; callers: number } | null {
  if (spec === 'none') return null;
  const m = /^(\d+):(\d+)$/.exec(spec);
  const count = cpus().length;
  if (!m || Number(m[1]) >= count || Number(m[2]) >= count) {
    throw new Error(`--pin: RELAY:CALLERS, two CPU numbers below ${count}, or none`);
  }
  return { relay: Number(m[1]), callers: Number(m[2]) };
}
/** Every thread of a process (and those it starts later) on one CPU. */
function pinTo(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore', timeout: 5000 });
}
const SETUP_LIMIT_MS = 15_000;
const SETTLE_MS = 2000;
const IDLE_MS = 2000;
const SLICES = 5;
const m = machine(false);
// After the machine's description, which reads this process's CPUs.
if (pin) pinTo(process.pid, pin.callers);
// Sessions are 'extended' at the longest media time a client may ask for (MAX_MEDIA_DURATION_S, 120 s), so
// that hundreds can be set up before the first ends: the relay ends each one that long + 5 s after it
// connected (its setup timeout, 10 s, before that). Setup, settle and the window must fit in that, or streams
// would end inside the window; any session that does end is reported as a problem.
const SESSION_LIFETIME_MS = MAX_MEDIA_DURATION_S * 1000 + 10_000 + 5000;
if (!existsSync(join(ROOT, 'dist/relay/server.js'))) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}

/** One forked load generator, asked one thing at a time. */
class Client {
  readonly child: ChildProcess;
  constructor(kind: CallerKind) {
    this.child = fork(join(import.meta.dirname, 'relay-cpu-client.ts'), [kind], { stdio: 'inherit' });
  }
  ask<T extends FromClient['type']>(
    msg: ToClient,
    answer: T,
    timeoutMs = 60_000,
  ): Promise<Extract<FromClient, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`load generator: no ${answer} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (m: FromClient) => {
        if (m.type !== answer) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(m as Extract<FromClient, { type: T }>);
      };
      this.child.on('message', onMessage);
      this.child.send(msg);
    });
  }
}

/** One relay build with one echo path, loaded by one kind of caller. */
interface Variant {
  label: string;
  serverJs: string;
  echoPath: EchoPath;
  callers: CallerKind;
  /** --native-echo-thread, with the native echo path only. */
  thread: 'on' | 'off' | null;
  /** --native-echo-priority, with the native echo path only. */
  priority: 'normal' | 'short-slice' | 'high' | null;
  /** V8's collector (GC_FLAGS). */
  gc: GcMode;
}

interface Level {
  variant: Variant;
  echoPath: EchoPath;
  streams: number;
  connected: number;
  setupFailures: string[];
  rampS: number;
  relayCpuPct: number;
  /** The window cut into SLICES parts: their spread shows how steady the figure is. */
  relaySliceCpuPct: number[];
  relayIdleCpuPct: number;
  loadGenCpuPct: number;
  /** Of it the kernel's (on loopback the sender also pays the receiver's network stack). */
  loadGenSystemPct: number;
  /** CPU of everything else on the machine (other work shares it), % of one core. */
  othersCpuPct: number;
  /** Whether the relay's open file descriptors came back to their idle count after every session closed. */
  fdsReleased: boolean;
  rssIdleMiB: number;
  rssMiB: number;
  /** RSS after a full collection, with every session still up, and before any (idle). */
  gcRssMiB: number;
  gcRssIdleMiB: number;
  /** The same for the V8 heap in use and for external memory (Buffers, crypto and socket handles). */
  gcHeapPerSessionKiB: number;
  gcExternalPerSessionKiB: number;
  /** Packets per second each stream really sent: 50 unless the load generator fell behind. */
  sentRateMedian: number;
  echoAggregate: number;
  /** Packets echoed in the window, all streams. */
  echoedTotal: number;
  /** Relay CPU time per echoed packet in the window, µs: the cost per packet whatever rate was offered. */
  cpuUsPerEcho: number;
  echoMin: number;
  echoMedian: number;
  /** Streams that lost at least one packet in the window (beyond the one or two in flight at its edges). */
  lossyStreams: number;
  silentStreams: number;
  endedInWindow: number;
  rttP50: number;
  rttP99: number;
  rttMax: number;
  /** Sessions the relay ended before the bye, by the reason it logged (media-session-ended). */
  relayEnds: Record<string, number>;
  /** The relay's system (kernel) CPU time in the window, seconds. */
  systemCpuS: number;
  /** What the callers' processes reported beside their counts (the native pump's counters). */
  callerNotes: string[];
  /** The delay the relay added per echo, from a loopback capture after the window (null: not measured). */
  delay: EchoDelay | null;
  /** Round trips in the callers' process over the capture, for comparison with the relay's share. */
  delayRttP50: number;
  delayRttP99: number;
  /** The relay's event-loop delay p99 over the capture (its /metrics gauge, reset just before), ms. */
  loopDelayP99Ms: number;
  /** cyclictest on the relay's CPU at its nice over the window and the capture (null: not run). */
  wakeUp: WakeUp | null;
  /** The native echo's thread (comm svc-echo): its CPU over the window, % of one core, and its scheduling. */
  echoThread: { cpuPct: number; sched: string } | null;
  /** svc_relay_media_dropped_total of the native echo's reasons at the window's end (the whole level). */
  echoSendFailed: number;
  queueFull: number;
}

/** The native echo's thread of a relay process (its comm is "svc-echo"), or null. */
function echoThreadOf(pid: number): number | null {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === 'svc-echo') return Number(tid);
    } catch {
      // the thread ended meanwhile
    }
  }
  return null;
}

/** A thread's CPU seconds and scheduling ("SCHED_FIFO 1" or "nice N") from /proc/<pid>/task/<tid>/stat. */
function threadStat(pid: number, tid: number): { cpuS: number; sched: string } {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const policy = Number(f[38]);
  return {
    cpuS: (Number(f[11]) + Number(f[12])) / CLK_TCK,
    sched: policy === 1 ? `SCHED_FIFO ${f[37]}` : `nice ${f[16]}`,
  };
}

/** A labelled counter's value in a /metrics text (0 before its first count). */
function droppedFor(text: string, reason: string): number {
  return Number(
    new RegExp(`^svc_relay_media_dropped_total\\{reason="${reason}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0,
  );
}

/** The relay's own account of the sessions it ended (its log lines so far), by reason. */
function endReasons(logs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of logs) {
    if (!line.includes('media-session-ended')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; reason?: string };
      if (entry.event === 'media-session-ended') {
        const reason = entry.reason ?? 'unknown';
        out[reason] = (out[reason] ?? 0) + 1;
      }
    } catch {
      // not a log line
    }
  }
  return out;
}

/** utime and stime of a process, seconds, separately (/proc/<pid>/stat fields 14 and 15). */
function cpuParts(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
}

/**
 * Linux keeps a nice value per thread: every thread of the process gets --nice, except `keep` (an echo
 * thread the relay raised itself with --native-echo-priority high).
 */
function reniceThreads(pid: number, keep: number | null = null): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (Number(tid) === keep) continue;
    try {
      setPriority(Number(tid), nice);
    } catch {
      // the thread ended meanwhile
    }
  }
}

async function runLevel(n: number, variant: Variant): Promise<Level> {
  const { echoPath } = variant;
  const mode = `${variant.thread ? `-thread-${variant.thread}` : ''}${variant.priority ? `-${variant.priority}` : ''}-gc-${variant.gc}`;
  const name = `relay-${variant.label.replace(/[^\w.-]/g, '_')}-${echoPath}${mode}-${n}`;
  const profile = values.profile
    ? ['--cpu-prof', '--cpu-prof-dir', values.profile, '--cpu-prof-name', `${name}.cpuprofile`]
    : [];
  const threadArgs = [
    ...(variant.thread ? ['--native-echo-thread', variant.thread] : []),
    ...(variant.priority ? ['--native-echo-priority', variant.priority] : []),
  ];
  const relay = await startRelayProcess([...loadRelayArgs(media), '--echo-path', echoPath, ...threadArgs], {
    nodeArgs: [...GC_ON_SIGNAL, ...profile],
    relayNodeFlags: GC_FLAGS[variant.gc],
    serverJs: variant.serverJs,
    // Start-up has taken over 15 s on a machine loaded by other work.
    startTimeoutMs: 60_000,
  });
  const pid = relay.child.pid as number;
  const cert = readFileSync(relay.certFile, 'utf8');
  const clients = Array.from({ length: Math.min(clientCount, n) }, () => new Client(variant.callers));
  const echoTid = echoThreadOf(pid);
  const keep = variant.priority === 'high' ? echoTid : null;
  const prioritise = () => {
    if (nice !== 0) {
      reniceThreads(pid, keep);
      for (const c of clients) reniceThreads(c.child.pid as number);
    }
    if (!pin) return;
    pinTo(pid, pin.relay);
    for (const c of clients) pinTo(c.child.pid as number, pin.callers);
  };
  prioritise();
  try {
    await sleep(500);
    const gcIdle = await memoryAfterGc(pid, relay.port, cert);
    const rssIdleMiB = await rssMiB(pid);
    const fdsIdle = await fdCount(pid);
    const idle0 = { t: performance.now(), cpu: await cpuSeconds(pid) };
    await sleep(IDLE_MS);
    const relayIdleCpuPct =
      (((await cpuSeconds(pid)) - idle0.cpu) / ((performance.now() - idle0.t) / 1000)) * 100;

    // Ramp: at most rampConcurrency setups in flight in all, as many independent callers would arrive.
    const rampStart = performance.now();
    const share = (i: number) => Math.floor(n / clients.length) + (i < n % clients.length ? 1 : 0);
    const opened = await Promise.all(
      clients.map((c, i) =>
        c.ask(
          {
            type: 'open',
            port: relay.port,
            cert,
            streams: share(i),
            ramp: Math.max(1, Math.round(rampConcurrency / clients.length)),
            setupLimitMs: SETUP_LIMIT_MS,
          },
          'opened',
          SESSION_LIFETIME_MS,
        ),
      ),
    );
    const rampS = (performance.now() - rampStart) / 1000;
    // The callers' native threads (libdatachannel) exist only now.
    prioritise();
    const setupFailures = opened.flatMap((o) => o.failures);
    const connected = opened.reduce((a, o) => a + o.connected, 0);
    if (rampS * 1000 + SETTLE_MS + seconds * 1000 > SESSION_LIFETIME_MS) {
      setupFailures.push(`setup took ${rampS.toFixed(1)} s: the first sessions will end inside the window`);
    }
    await Promise.all(clients.map((c) => c.ask({ type: 'start' }, 'started')));
    await sleep(SETTLE_MS);

    await Promise.all(clients.map((c) => c.ask({ type: 'mark' }, 'marked')));
    const clientParts0 = clients.map((c) => cpuParts(c.child.pid as number));
    const parts0 = cpuParts(pid);
    const echo0 = echoTid === null ? null : threadStat(pid, echoTid);
    // Over the window and the capture: the relay's CPU under load, at the relay's nice.
    const cyclictest = pin && !cyclictestMissing ? startCyclictest(pin.relay, nice) : null;
    const before = { t: performance.now(), relay: await cpuSeconds(pid), sys: systemJiffies() };
    const relaySliceCpuPct: number[] = [];
    let slice = { t: before.t, cpu: before.relay };
    for (let i = 0; i < SLICES; i++) {
      await sleep((seconds * 1000) / SLICES);
      const now = { t: performance.now(), cpu: await cpuSeconds(pid) };
      relaySliceCpuPct.push(((now.cpu - slice.cpu) / ((now.t - slice.t) / 1000)) * 100);
      slice = now;
    }
    const reports = await Promise.all(clients.map((c) => c.ask({ type: 'report' }, 'report')));
    const after = { t: performance.now(), relay: await cpuSeconds(pid), sys: systemJiffies() };
    const parts1 = cpuParts(pid);
    const echo1 = echoTid === null ? null : threadStat(pid, echoTid);
    const drops = (await timedGet(relay.port, cert, '/metrics', 30_000)).body;
    // Read with the relay's, at the window's end: the capture after it costs the callers CPU too.
    const clientParts1 = clients.map((c) => cpuParts(c.child.pid as number));
    // After the CPU window (tcpdump costs CPU too) and before the memory reading (a full collection).
    let delay: EchoDelay | null = null;
    let delayRtt: number[] = [];
    let loopDelayP99Ms = Number.NaN;
    if (!delayUnavailable) {
      await Promise.all(clients.map((c) => c.ask({ type: 'mark' }, 'marked')));
      // A scrape resets the relay's event-loop delay histogram: the next one covers the capture.
      await timedGet(relay.port, cert, '/metrics', 30_000);
      delay = await measureEchoDelay(media.first, media.last, delaySeconds, pin?.callers);
      const loop = (await timedGet(relay.port, cert, '/metrics', 30_000)).body;
      loopDelayP99Ms = metricValue(loop, 'nodejs_eventloop_delay_p99_seconds') * 1000;
      const during = await Promise.all(clients.map((c) => c.ask({ type: 'report' }, 'report')));
      delayRtt = during.flatMap((r) => r.rttMs).sort((a, b) => a - b);
    }
    const wakeUp = cyclictest ? await cyclictest.stop() : null;
    const relayEnds = endReasons(relay.logs);
    const rss = await rssMiB(pid);
    const gc = await memoryAfterGc(pid, relay.port, cert);
    const wallS = (after.t - before.t) / 1000;
    const relayCpuPct = ((after.relay - before.relay) / wallS) * 100;
    const clientDelta = (part: 'user' | 'system') =>
      clientParts1.reduce((a, x, i) => a + x[part] - (clientParts0[i]?.[part] ?? 0), 0);
    const loadGenCpuPct = ((clientDelta('user') + clientDelta('system')) / wallS) * 100;
    const loadGenSystemPct = (clientDelta('system') / wallS) * 100;
    // /proc/stat's first line sums all cores: scale its busy share to "% of one core" like the others.
    const machineCorePct = busyCorePct(before.sys, after.sys);

    const sent = reports.flatMap((r) => r.sent);
    const echoed = reports.flatMap((r) => r.echoed);
    const ratios = sent.map((s, i) => (echoed[i] ?? 0) / Math.max(1, s));
    const rtt = reports.flatMap((r) => r.rttMs).sort((a, b) => a - b);
    const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
    const result: Level = {
      variant,
      echoPath,
      relayEnds,
      systemCpuS: parts1.system - parts0.system,
      streams: n,
      connected,
      setupFailures,
      rampS,
      relayCpuPct,
      relaySliceCpuPct,
      relayIdleCpuPct,
      loadGenCpuPct,
      loadGenSystemPct,
      // Three clocks sampled at slightly different moments: a small negative remainder is noise, shown as 0.
      othersCpuPct: Math.max(0, machineCorePct - relayCpuPct - loadGenCpuPct),
      fdsReleased: false,
      rssIdleMiB,
      rssMiB: rss,
      gcRssMiB: gc.rssMiB,
      gcRssIdleMiB: gcIdle.rssMiB,
      gcHeapPerSessionKiB: ((gc.heapMiB - gcIdle.heapMiB) * 1024) / Math.max(1, connected),
      gcExternalPerSessionKiB: ((gc.externalMiB - gcIdle.externalMiB) * 1024) / Math.max(1, connected),
      sentRateMedian: median(sent.map((s) => s / wallS)),
      echoAggregate: sum(echoed) / Math.max(1, sum(sent)),
      echoedTotal: sum(echoed),
      cpuUsPerEcho: ((after.relay - before.relay) * 1e6) / Math.max(1, sum(echoed)),
      echoMin: ratios.length ? Math.min(...ratios) : Number.NaN,
      echoMedian: median(ratios),
      // Packets in flight when the window opens and closes can shift a stream's count by one or two.
      lossyStreams: sent.filter((s, i) => s - (echoed[i] ?? 0) > 2).length,
      silentStreams: echoed.filter((e) => e === 0).length,
      endedInWindow: sum(reports.map((r) => r.ended)),
      rttP50: percentile(rtt, 50),
      rttP99: percentile(rtt, 99),
      rttMax: rtt.at(-1) ?? Number.NaN,
      delay,
      callerNotes: reports.flatMap((r, i) => r.notes.map((note) => `client ${i + 1}: ${note}`)),
      delayRttP50: percentile(delayRtt, 50),
      delayRttP99: percentile(delayRtt, 99),
      loopDelayP99Ms,
      wakeUp,
      echoThread:
        echo0 && echo1
          ? { cpuPct: ((echo1.cpuS - echo0.cpuS) / ((after.t - before.t) / 1000)) * 100, sched: echo1.sched }
          : null,
      echoSendFailed: droppedFor(drops, 'echo-send-failed'),
      queueFull: droppedFor(drops, 'queue-full'),
    };
    await Promise.all(clients.map((c) => c.ask({ type: 'close' }, 'closed')));
    // Each session's sockets close asynchronously (the relay waits up to 2 s per close).
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline && (await fdCount(pid)) > fdsIdle) await sleep(100);
    result.fdsReleased = (await fdCount(pid)) <= fdsIdle;
    return result;
  } finally {
    for (const c of clients) c.child.kill();
    await relay.stop();
  }
}

const work = workDir();
const builds = [...(values.compare ? [relayAt(values.compare, work.path)] : []), relayAt(null, work.path)];
const variants: Variant[] = builds.flatMap((b) =>
  echoPaths.flatMap((echoPath) =>
    (echoPath === 'native' ? threadModes : [null]).flatMap((thread) =>
      (echoPath === 'native' ? priorities : [null]).flatMap((priority) =>
        gcModes.flatMap((gc) =>
          callerKinds.map((callers) => ({ ...b, echoPath, callers, thread, priority, gc })),
        ),
      ),
    ),
  ),
);
const results: Level[] = [];
/** Levels a path could not even set up (the load generator gave up): reported, not fatal to the run. */
const notHeld: string[] = [];
const label = (v: Variant) =>
  [
    builds.length > 1 ? v.label : null,
    v.echoPath,
    v.thread && threadModes.length > 1 ? `thread ${v.thread}` : null,
    v.priority && priorities.length > 1 ? `priority ${v.priority}` : null,
    gcModes.length > 1 ? `${v.gc} GC` : null,
    callerKinds.length > 1 ? `${v.callers} callers` : null,
  ]
    .filter(Boolean)
    .join(', ');
try {
  for (const [i, n] of levels.entries()) {
    // ABBA: the order alternates from level to level, so a drift in the machine's load favours neither.
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      process.stderr.write(`${n} stream(s), ${label(v)}: setting up, then ${seconds} s window… `);
      const r = await runLevel(n, v).catch((err: Error) => {
        notHeld.push(`${n} streams (${label(v)}): not measured: ${err.message}`);
        process.stderr.write(`${err.message}\n`);
        return null;
      });
      if (!r) continue;
      results.push(r);
      process.stderr.write(`relay ${fmt(r.relayCpuPct, 1)} % of a core, ${r.connected}/${n} connected\n`);
    }
  }
} finally {
  work.remove();
}

printMachine(m);
console.log('## Method');
console.log(`- Relay: dist/relay/server.js as a child process on 127.0.0.1 (port 0, temp data dir, media ports ${media.range},
  --max-sessions ${media.size}, per-address caps lifted since one loopback address plays every client, default
  setup timeout, bitrate cap and log level); a fresh relay for each level and variant (${variants.map(label).join('; ')}${values.compare ? `; ${values.compare} built by its own scripts/build.ts` : ''}),
  one after the other at each level, the order alternating from level to level (ABBA). Node options --expose-gc and a
  SIGUSR2 handler (test/e2e/harness/gc-on-signal.ts) so memory can be read after a full collection.
- Load: ${clientCount} forked load generator processes (scripts/bench/relay-cpu-client.ts), separate from the relay,
  split the N callers between them; callers: ${callerKinds.join(', ')}. Each caller sets up a real session over the
  relay's WSS signaling (ICE, DTLS-SRTP), mode 'extended' for ${MAX_MEDIA_DURATION_S} s, and sends one Opus audio RTP stream:
  50 packets/s, 20 ms frames, 80-byte payload, DTLS-SRTP, no data channel. Each payload carries its caller,
  number and send time, so every echo gives its round trip.
  - ldc: a libdatachannel peer (node-datachannel: ICE, DTLS and SRTP in native code), one JavaScript timer
    and call per packet sent and per echo; round trip = echo event minus send time, both in the caller's event loop.
  - native: a werift peer (ICE, DTLS in JavaScript, SRTP AEAD_AES_128_GCM negotiated) until DTLS has derived the
    SRTP keys; then its UDP socket and keys go to the process's native pump (scripts/bench/native/pump.cc, built
    with g++ at run time): one thread, woken every ${NATIVE_TICK_US} µs (timerfd), reads every socket with echoes
    queued (recvmmsg), authenticates and decrypts them with the relay's keys (OpenSSL), and sends each stream's
    packet once its time has come (sendto: one socket per caller, so no batching across callers), so a packet
    leaves up to ${NATIVE_TICK_US / 1000} ms after its time and the streams' sends come in groups per tick. Round trip = the
    kernel's receive time of the echo (SO_TIMESTAMPNS) minus the send time in the payload: no event loop in it.
    STUN and DTLS go back to werift every 20 ms (its consent checks keep the session alive); the relay's RTCP is
    counted and dropped. The pump's own counters are printed under Notes.
- Setup: at most ${rampConcurrency} sessions set up at once in all; a stream counts as connected on its first
  echoed packet (limit ${SETUP_LIMIT_MS / 1000} s) and then falls quiet until every stream is set up, so the
  relay's DTLS set-ups do not compete with the echo; then all send again, each from a random point of its
  20 ms frame, and ${SETTLE_MS / 1000} s to settle. Sessions the relay ended before the bye are counted by the
  reason in its log (media-session-ended).
- Priority: the relay and the load generators run at nice ${nice}${nice < 0 ? ' (ahead of other work on the machine, which shares the cores at 0)' : ' (as any other process)'}.
- CPUs: ${pin ? `the relay pinned to CPU ${pin.relay}; the load generators, this script and tcpdump to CPU ${pin.callers} (taskset -a: every thread). Other work on the machine is not pinned and may still share either CPU` : `not pinned (--pin none): the relay, the load generators and any other work share the ${m.nproc} cores as the kernel schedules them`}.
- Window: ${seconds} s after all N are connected. Relay CPU = delta of utime+stime in /proc/<pid>/stat
  (CLK_TCK ${CLK_TCK}) / wall time, as % of one core, over the whole window; also over ${SLICES} equal slices
  of it (median and min-max, to show the spread), and idle (${IDLE_MS / 1000} s before any session).
- CPU µs per echoed packet = relay CPU time in the window / packets echoed in it: the cost per packet even
  when the load generators fell behind 50 packets/s (a busy machine); 500 streams per core needs <= 40 µs.
  "of it system" = the kernel's share (utime and stime apart, /proc/<pid>/stat): the relay's own CPU time,
  which other work on the machine changes far less than it changes wall-clock shares.
- RSS = VmRSS from /proc/<pid>/status at the end of the window; "after GC" = the same after a full collection
  with every session still up, minus the same before any session, divided by N: MB per session; beside it
  the V8 heap in use and external memory (/metrics) measured the same way, KiB per session.
- Echo ratio = packets echoed / packets sent per stream within the window; a stream is "lossy" when more than
  2 of its packets (those in flight at the window's edges) came back missing. Round trip (see Load for each kind
  of caller): loopback both ways and the relay, so an upper bound on the delay the relay adds (p50 / p99 / max
  over every echo in the window).
- Added echo delay: after the window, ${delaySeconds} s of the same load captured on lo by tcpdump (kernel
  timestamps, 64-byte snapshots, UDP to and from the media ports; ${delayUnavailable ?? 'available'}); each echoed RTP
  packet is matched with the packet it echoes (relay port, caller port, sequence number: kept by the echo, and in
  the clear under SRTP). On loopback a packet is stamped when its sender hands it to the kernel, so the delay is
  from the caller's send to the relay's send of the echo: the relay's socket queue, its event-loop turn and its
  work, not the callers'. p50 / p99 / max over every matched echo; the callers' round trips over the same seconds
  beside it. Packets the kernel dropped from the capture leave their echoes unmatched, never mismatched.
  Beside it the relay's own event-loop delay over the same seconds: the p99 of its /metrics gauge
  nodejs_eventloop_delay_p99_seconds (perf_hooks.monitorEventLoopDelay, a 100 ms timer), scraped just before
  the capture (which resets it) and just after: how long JavaScript kept the main loop from its next turn.
- V8's collector: --gc ${gcModes.map((m) => `${m} (node ${GC_FLAGS[m].join(' ') || 'without flags'}${m === deployedGc ? ', as deployed' : ''})`).join(', ')}:
  'single' collects on the main thread only; 'one-helper' lets one V8 helper thread join; 'parallel' is V8's
  default (Node's four platform threads join each collection, on the relay's CPU when it is pinned).
- Native echo (--echo-path native): --native-echo-thread ${threadModes.join(', ')}: 'on' reads the handed-over
  sockets in the add-on's echo thread (epoll); 'off' polls them in Node's main loop (uv_poll), where the echo
  waits while JavaScript runs. With the relay pinned to one CPU, the echo thread shares that CPU with the
  main thread. --native-echo-priority ${priorities.join(', ')}: 'high' asks for the echo thread under SCHED_FIFO
  priority 1 (else a nice 10 below the relay's); --nice then leaves that thread alone; 'short-slice' asks
  for a 0.1 ms EEVDF time slice for it (sched_setattr, same nice). "echo thread CPU %" is
  the thread named svc-echo (/proc/<pid>/task/<tid>/stat) over the window, with the scheduling it had at its end.
  "native echo drops" = the relay's svc_relay_media_dropped_total{reason="echo-send-failed"} (echoes sendmmsg
  did not take) and {reason="queue-full"} (datagrams for the main loop dropped at 512 waiting per session),
  scraped at the window's end, since the relay started.
- Wake-up latency: ${
  cyclictestMissing ??
  `cyclictest (rt-tests) over the window and the capture, one SCHED_OTHER thread pinned to the relay's CPU
  at the relay's nice (${nice}), asking to wake every 1 ms (-i 1000 -t 1 -h ${HISTOGRAM_US} --default-system: it does not
  touch /dev/cpu_dma_latency); p50 / p99 from its histogram, max as it reports. As long as the echo's added
  delay: every thread on that CPU waits (the platform); far shorter: only the echo waits (the relay).
  It adds its own 1000 wake-ups a second to that CPU.`
}
- Load generator CPU (/proc/<pid>/stat of the client processes, every thread, over the window only; per stream:
  divided by the streams connected; of it system: the kernel's share, which on loopback includes the relay's
  receive path for every packet the callers send) and the rest of the machine's CPU (/proc/stat
  busy minus relay and load generators: other work on the machine) are printed, as % of one core, to show
  whether the ${m.nproc} cores (${m.nproc * 100} %) were saturated, which throttles the offered load and
  inflates round trips.
- After the window every session says bye; the relay's open file descriptors must return to the idle count.
`);

/** A histogram percentile; at the histogram's end it lies among the overflows. */
const wakeUpText = (us: number) => (us >= HISTOGRAM_US ? `>= ${HISTOGRAM_US}` : fmt(us, 0));

console.log('## Results');
console.log(
  table(
    [
      'streams',
      'relay',
      'connected',
      'relay CPU % of one core',
      'slices median (min-max)',
      'CPU % per stream',
      'CPU µs per echoed packet (of it system)',
      'idle CPU %',
      'RSS MB (idle)',
      'MB per session after GC',
      'of it KiB heap / external',
      'sent pkt/s per stream',
      'echo ratio (all / min / median)',
      'lossy streams',
      'round trip ms p50 / p99 / max',
      'added echo delay ms p50 / p99 / max (echoes; dropped by capture)',
      'round trip during capture p50 / p99',
      'relay event-loop delay p99 ms (capture)',
      "cyclictest wake-up µs p50 / p99 / max (relay's CPU and nice)",
      'echo thread CPU % (scheduling)',
      'native echo drops: send failed / queue full',
      'load-gen CPU % (per stream; of it system)',
      'others CPU %',
      'setup s',
      'ended by the relay before bye',
    ],
    results.map((r) => {
      return [
        String(r.streams),
        label(r.variant),
        `${r.connected}/${r.streams}`,
        fmt(r.relayCpuPct, 1),
        `${fmt(median(r.relaySliceCpuPct), 1)} (${fmt(Math.min(...r.relaySliceCpuPct), 1)}-${fmt(Math.max(...r.relaySliceCpuPct), 1)})`,
        fmt(r.relayCpuPct / Math.max(1, r.connected), 2),
        `${fmt(r.cpuUsPerEcho, 0)} (${fmt((r.systemCpuS * 1e6) / Math.max(1, r.echoedTotal), 0)})`,
        fmt(r.relayIdleCpuPct, 1),
        `${fmt(r.rssMiB)} (${fmt(r.rssIdleMiB)})`,
        fmt((r.gcRssMiB - r.gcRssIdleMiB) / Math.max(1, r.connected), 2),
        `${fmt(r.gcHeapPerSessionKiB)} / ${fmt(r.gcExternalPerSessionKiB)}`,
        fmt(r.sentRateMedian, 1),
        `${fmt(r.echoAggregate, 3)} / ${fmt(r.echoMin, 3)} / ${fmt(r.echoMedian, 3)}`,
        String(r.lossyStreams),
        `${fmt(r.rttP50, 2)} / ${fmt(r.rttP99, 2)} / ${fmt(r.rttMax, 1)}`,
        r.delay
          ? `${fmt(r.delay.p50Ms, 3)} / ${fmt(r.delay.p99Ms, 3)} / ${fmt(r.delay.maxMs, 2)} (${r.delay.matched}; ${fmt(r.delay.droppedByKernel)})`
          : `not measured: ${delayUnavailable}`,
        `${fmt(r.delayRttP50, 2)} / ${fmt(r.delayRttP99, 2)}`,
        fmt(r.loopDelayP99Ms, 1),
        r.wakeUp
          ? `${wakeUpText(r.wakeUp.p50Us)} / ${wakeUpText(r.wakeUp.p99Us)} / ${fmt(r.wakeUp.maxUs, 0)}`
          : `not run: ${cyclictestMissing ?? 'the relay is not pinned (--pin none)'}`,
        r.echoThread ? `${fmt(r.echoThread.cpuPct, 1)} (${r.echoThread.sched})` : '-',
        r.echoThread ? `${r.echoSendFailed} / ${r.queueFull}` : '-',
        `${fmt(r.loadGenCpuPct, 1)} (${fmt(r.loadGenCpuPct / Math.max(1, r.connected), 3)}; ${fmt(r.loadGenSystemPct, 1)})`,
        fmt(r.othersCpuPct, 0),
        fmt(r.rampS, 1),
        Object.entries(r.relayEnds)
          .filter(([reason]) => reason !== 'bye')
          .map(([reason, count]) => `${count} ${reason}`)
          .join(', ') || 'none',
      ];
    }),
  ),
);

const notes = results.flatMap((r) =>
  r.callerNotes.map((n) => `${r.streams} streams (${label(r.variant)}): ${n}`),
);
if (notes.length) console.log(`\nNotes:\n- ${notes.join('\n- ')}`);

const problems = notHeld.concat(
  results.flatMap((r) => {
    const v = label(r.variant);
    return [
      ...r.setupFailures.map((f) => `${r.streams} streams (${v}): a session failed to set up: ${f}`),
      ...(r.silentStreams
        ? [`${r.streams} streams (${v}): ${r.silentStreams} stream(s) got no echo in the window`]
        : []),
      ...(r.endedInWindow
        ? [`${r.streams} streams (${v}): ${r.endedInWindow} session(s) ended by the relay`]
        : []),
      ...(r.fdsReleased
        ? []
        : [`${r.streams} streams (${v}): the relay kept file descriptors open after every bye`]),
    ];
  }),
);
console.log(
  problems.length
    ? `\nProblems:\n- ${problems.join('\n- ')}`
    : '\nEvery session connected and got its echo back.',
);
process.exit(problems.length ? 1 : 0);
