/**
 * Benchmark: the relay (its own process) while an attacker (this process) sends it each attack of the
 * security review (issue 10), and a poller (a worker thread here, so the attacker's own work does not delay
 * its clock) asks /healthz every 50 ms. Prints the worst and 95th-percentile /healthz latency under each
 * attack, and with no attack for comparison; with --runs N, a fresh relay per run and the median of the runs.
 *   node scripts/bench/relay-attack.ts [--runs 3] [--seconds 8] [--addresses 20] [--connections 300]
 *     [--only baseline,forged] [--compare <commit>]
 * --only keeps the attacks whose names contain one of the words; --compare measures that commit's relay
 * (built by its own build script) the same way in the same run, each run alternating it and this tree.
 * The attacker's traffic comes from 127.0.0.2 and up (one loopback address per simulated client, so the
 * relay's per-address limits apply to it as to real clients); the poller is 127.0.0.1. Loopback only, and
 * every attack is bounded in time (--seconds, at most 30) and in count (--addresses, --connections).
 * Needs a build of the relay (npm run bench:relay-attack builds first).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { type RelayProcess, startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import { report } from '../../test/fakes/report.ts';
import { craftedOffer } from '../../test/helpers/crafted-sdp.ts';
import { cpuSeconds } from '../../test/helpers/relay-load.ts';
import { iceCheck } from '../../test/unit/relay/stun-requests.ts';
import { relayAt, workDir } from './builds.ts';
import { boundedInt, fmt, machine, median, printMachine, ROOT, sleep, table } from './common.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    addresses: { type: 'string', default: '20' },
    connections: { type: 'string', default: '300' },
    only: { type: 'string' },
    compare: { type: 'string' },
  },
});
const runs = boundedInt('runs', values.runs, 1, 9);
const seconds = boundedInt('seconds', values.seconds, 3, 30);
const addresses = boundedInt('addresses', values.addresses, 1, 200);
const connections = boundedInt('connections', values.connections, 10, 2000);
if (!existsSync(join(ROOT, 'dist/relay/server.js')) && !values.compare) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}
const m = machine(false);

const TOKEN = 'bench-support-token-0123456789';
/**
 * Small storage quotas, so that the quota-fill attack reaches both refusals within its seconds: 1 MiB per
 * address a day, 8 MiB in all.
 */
const RELAY_ARGS = [
  ...['--media-ports', '28400-28419', '--max-sessions', '20'],
  ...['--support-tokens', `alice:${TOKEN}`, '--report-quota-mib-per-day', '1', '--max-stored-mib', '8'],
];
let relay: RelayProcess;
let cert: string;
const attacker = (i: number) => `127.0.0.${2 + (i % addresses)}`;
const EXTENSION = `chrome-extension://${'a'.repeat(32)}`;

/** One HTTPS request from `localAddress`, answered or failed; never throws. */
function post(localAddress: string, path: string, body: string, type = 'application/json'): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `https://127.0.0.1:${relay.port}${path}`,
      {
        method: 'POST',
        ca: cert,
        localAddress,
        timeout: 10_000,
        headers: {
          'Content-Type': type,
          'Content-Length': Buffer.byteLength(body),
          ...(type === 'application/json' ? { Origin: EXTENSION } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Uploads the review's worst bodies, round-robin over the attacker's addresses, until `until`. */
async function uploads(bodies: readonly string[], until: number): Promise<string> {
  const statuses = new Map<number, number>();
  let i = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const status = await post(attacker(i), '/api/reports', bodies[i % bodies.length] as string);
      i++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return [...statuses].map(([s, n]) => `${n}×${s || 'error'}`).join(', ');
}

const wrap = (r: object) => JSON.stringify({ report: r, redaction: 'default' });
const base = report();
const firstCheck = base.checks[0] as (typeof base.checks)[0];
/** 200,000 hex characters in each field the review named (refused by the caps before any scan). */
const hexFields = ['headline', 'runId', 'relayUrl'].map((k) => wrap({ ...base, [k]: 'a'.repeat(200_000) }));
/** As many capped strings of the old scanner's worst shape as fit in an upload: all scanned. */
const scanned = wrap({
  ...base,
  checks: [
    {
      ...firstCheck,
      data: Object.fromEntries(Array.from({ length: 55 }, (_, i) => [`k${i}`, 'ab:'.repeat(1365)])),
    },
  ],
});
/** Numbers that grow when written back, and 1e999. */
const inflating = wrap({ ...base, checks: [{ ...firstCheck, data: { n: [] } }] }).replace(
  '"n":[]',
  `"n":[${Array(20_000).fill('1e20').join(',')}]`,
);
const infinite = wrap(base).replace('"durationMs":', '"durationMs":1e999,"x":');
/** Valid reports of about 220 KiB (53 strings of 4095 characters): stored until a quota refuses them. */
const filler = wrap({
  ...base,
  checks: [
    {
      ...firstCheck,
      data: Object.fromEntries(Array.from({ length: 53 }, (_, i) => [`k${i}`, 'x'.repeat(4095)])),
    },
  ],
});

/** Opens TCP connections that never send a ClientHello; holds what the relay lets it. */
async function silentSockets(until: number): Promise<string> {
  const sockets: Socket[] = [];
  let closedByRelay = 0;
  for (let i = 0; i < connections && performance.now() < until; i++) {
    const s = netConnect({ host: '127.0.0.1', port: relay.port, localAddress: attacker(i) });
    s.on('error', () => undefined);
    s.on('close', () => closedByRelay++);
    sockets.push(s);
    if (i % 50 === 49) await sleep(10);
  }
  while (performance.now() < until) await sleep(100);
  for (const s of sockets) s.destroy();
  return `${sockets.length} opened, ${closedByRelay} closed by the relay`;
}

/** TLS connections that trickle one header line every 500 ms. */
async function trickledHeaders(until: number): Promise<string> {
  const sockets: TLSSocket[] = [];
  const started = new Set<TLSSocket>();
  let ended = 0;
  for (let i = 0; i < Math.min(connections, 200) && performance.now() < until; i++) {
    const s = tlsConnect({
      socket: netConnect({ host: '127.0.0.1', port: relay.port, localAddress: attacker(i) }),
      ca: cert,
      servername: 'localhost',
    });
    s.on('error', () => undefined);
    s.on('close', () => ended++);
    // Headers trickle only after the request line: a header written before the handshake ends would be
    // sent ahead of it and answered 400 at once, which is not the attack.
    s.once('secureConnect', () => {
      s.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n');
      started.add(s);
    });
    sockets.push(s);
  }
  let n = 0;
  while (performance.now() < until) {
    for (const s of started) if (!s.destroyed && s.writable) s.write(`X-Slow-${n}: 1\r\n`);
    n++;
    await sleep(500);
  }
  for (const s of sockets) s.destroy();
  return `${sockets.length} opened, ${ended} ended by the relay`;
}

/** WebSockets from a foreign page, and probe-starts from the extension's origin, until `until`. */
async function wsFlood(until: number): Promise<string> {
  let opened = 0;
  let refused = 0;
  let probeSessions = 0;
  let busy = 0;
  const open: WebSocket[] = [];
  for (let i = 0; performance.now() < until && i < connections; i++) {
    const origin = i % 2 === 0 ? 'https://evil.example' : EXTENSION;
    const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/ws`, {
      ca: cert,
      origin,
      localAddress: attacker(i),
    });
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      refused++;
      res.resume();
    });
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString()) as { type: string; code?: string };
      if (msg.type === 'probe-session') probeSessions++;
      if (msg.type === 'error' && msg.code === 'busy') busy++;
    });
    ws.on('open', () => {
      opened++;
      // Two per connection (its own cap): the per-address cap of probe sessions is what stops the rest.
      for (let k = 0; k < 2; k++) ws.send('{"type":"probe-start"}');
    });
    open.push(ws);
    if (i % 20 === 19) await sleep(20);
  }
  while (performance.now() < until) await sleep(100);
  for (const ws of open) ws.terminate();
  return `${opened} opened, ${refused} refused at the upgrade, ${probeSessions} probe sessions, ${busy} busy`;
}

/**
 * Wrong support tokens for alice from every attacking address, while alice signs in once a second from the
 * address she signed in from before the attack: she must keep getting in.
 */
async function signInGuessing(until: number): Promise<string> {
  const form = (token: string) => new URLSearchParams({ user: 'alice', token }).toString();
  const urlencoded = 'application/x-www-form-urlencoded';
  const statuses = new Map<number, number>();
  let i = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const status = await post(attacker(i), '/console/login', form(`guess-${i}-0123456789`), urlencoded);
      i++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  let alice = 0;
  let aliceIn = 0;
  const user = async () => {
    while (performance.now() < until) {
      alice++;
      if ((await post('127.0.0.1', '/console/login', form(TOKEN), urlencoded)) === 303) aliceIn++;
      await sleep(1000);
    }
  };
  // Alice signs in once before the guessing starts (her usual place), then once a second during it.
  alice++;
  if ((await post('127.0.0.1', '/console/login', form(TOKEN), urlencoded)) === 303) aliceIn++;
  await Promise.all([...Array.from({ length: 4 }, worker), user()]);
  const guesses = [...statuses].map(([s, n]) => `${n}×${s || 'error'}`).join(', ');
  return `guesses: ${guesses}; alice (known address) signed in ${aliceIn} of ${alice}`;
}

/** One media session from `localAddress`: the relay's media port and ICE credentials from its answer. */
function mediaSession(localAddress: string): Promise<{ ws: WebSocket; port: number; check: Buffer } | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/ws`, { ca: cert, localAddress });
    const timer = setTimeout(() => resolve(null), 5000);
    ws.on('error', () => resolve(null));
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'offer', sdp: craftedOffer({ dataChannel: true }), mode: 'extended' })),
    );
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString()) as { type: string; sdp?: string };
      if (msg.type !== 'answer' || !msg.sdp) return;
      clearTimeout(timer);
      const ufrag = /^a=ice-ufrag:(\S+)/m.exec(msg.sdp)?.[1] ?? '';
      const pwd = /^a=ice-pwd:(\S+)/m.exec(msg.sdp)?.[1] ?? '';
      const port = Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(msg.sdp)?.[1]);
      resolve({ ws, port, check: iceCheck({ username: `${ufrag}:Ab12`, password: pwd }) });
    });
  });
}

/**
 * Authenticated ICE checks (with USE-CANDIDATE) from sources that are not the session holder's: 16 UDP
 * sockets per session, on other loopback addresses, each sending a check every `everyMs` and never answering.
 * Counts the checks the relay answered, the bytes it sent to them against the bytes they sent, and the
 * relay's CPU over the attack. Every 20 ms the checks pass the session's bitrate cap (256 kbit/s), which
 * ends the session within a second or two; every 55 ms (about 210 kbit/s) they stay under it, and the
 * session lives until its setup timeout: the most verified checks one session can be made to cost.
 */
async function forgedSourceMedia(until: number, everyMs: number): Promise<string> {
  const sessions = (await Promise.all([0, 1, 2, 3].map((k) => mediaSession(attacker(k))))).filter(
    (s) => s !== null,
  );
  const sockets: UdpSocket[] = [];
  let sent = 0;
  let checks = 0;
  let received = 0;
  let answers = 0;
  const cpuBefore = await cpuSeconds(relay.child.pid as number);
  const startedAt = performance.now();
  for (const [k, s] of sessions.entries()) {
    for (let j = 0; j < 16; j++) {
      const u = createSocket('udp4');
      u.on('message', (msg) => {
        received += msg.length;
        // A STUN Binding success answer (0x0101): a check the relay verified and werift answered.
        if (msg.readUInt16BE(0) === 0x0101) answers++;
      });
      u.on('error', () => undefined);
      await new Promise<void>((r) => u.bind(0, attacker(4 + k * 16 + j), () => r()));
      sockets.push(u);
      const send = () => {
        if (performance.now() >= until) return;
        sent += s.check.length;
        checks++;
        u.send(s.check, s.port, '127.0.0.1');
        setTimeout(send, everyMs);
      };
      send();
    }
  }
  while (performance.now() < until) await sleep(100);
  await sleep(500);
  const cpu = (await cpuSeconds(relay.child.pid as number)) - cpuBefore;
  const secondsTaken = (performance.now() - startedAt) / 1000;
  for (const u of sockets) u.close();
  for (const s of sessions) s.ws.terminate();
  const perS = (n: number) => fmt(n / secondsTaken);
  return `${sessions.length} sessions, ${sockets.length} forged sources: ${perS(checks)} checks/s sent, ${perS(answers)} answered/s; ${sent} bytes in, ${received} bytes out; relay CPU ${fmt((cpu / secondsTaken) * 100)}% of a core`;
}

const allAttacks: Array<[string, (until: number) => Promise<string>]> = [
  [
    'none (baseline)',
    async (until) => {
      while (performance.now() < until) await sleep(100);
      return '';
    },
  ],
  ['200,000-character strings in headline/runId/relayUrl', (until) => uploads(hexFields, until)],
  ['largest upload of scanned strings (55 × 4095 chars of "ab:")', (until) => uploads([scanned], until)],
  [
    'numbers that grow when stored (1e20 ×20,000) and 1e999',
    (until) => uploads([inflating, infinite], until),
  ],
  [`TCP connections without a ClientHello (up to ${connections})`, silentSockets],
  ['trickled request headers (up to 200 connections)', trickledHeaders],
  ['WebSockets: foreign origins and probe-start floods (probe sessions per address)', wsFlood],
  ['quota fill: valid 220 KiB reports from every address', (until) => uploads([filler], until)],
  [
    'forged-source media: authenticated checks from 64 unproven sources',
    (until) => forgedSourceMedia(until, 20),
  ],
  [
    'forged-source media, paced under the bitrate cap: a check every 55 ms from each of 64 sources',
    (until) => forgedSourceMedia(until, 55),
  ],
  ['sign-in guessing: wrong tokens for alice from every address', signInGuessing],
];
const onlyWords = values.only?.split(',').map((w) => w.trim().toLowerCase()) ?? [];
const attacks = allAttacks.filter(
  ([name]) => onlyWords.length === 0 || onlyWords.some((w) => name.includes(w)),
);
if (attacks.length === 0)
  throw new Error(`--only ${values.only}: no attack's name contains any of these words`);

type Health = { polls: number; failures: number; maxMs: number; p95Ms: number };

/** The poller's worker thread for one relay: start() and stop() around each attack. */
async function startPoller() {
  const worker = new Worker(new URL('./health-poller.ts', import.meta.url), {
    workerData: { port: relay.port, cert, everyMs: 50 },
  });
  const next = <T>() => new Promise<T>((resolve) => worker.once('message', resolve));
  await next<'ready'>();
  return {
    async start(): Promise<void> {
      worker.postMessage('start');
      await next<'started'>();
    },
    async stop(): Promise<Health> {
      worker.postMessage('stop');
      return next<Health>();
    },
    close: () => worker.terminate(),
  };
}

type Result = { worst: number; p95: number; failed: number; outcome: string };

/** The relays measured: --compare's commit first, then this tree; each run measures them in turn. */
const work = workDir();
const variants: Array<{ label: string; serverJs: string; results: Result[][] }> = [];
try {
  for (const ref of values.compare ? [values.compare, null] : [null]) {
    variants.push({ ...relayAt(ref, work.path), results: attacks.map(() => []) });
  }
} catch (err) {
  work.remove();
  throw err;
}
const loads: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    for (const v of variants) {
      relay = await startRelayProcess(RELAY_ARGS, { serverJs: v.serverJs });
      cert = readFileSync(relay.certFile, 'utf8');
      loads.push(Math.round((loadavg()[0] ?? 0) * 100) / 100);
      const poll = await startPoller();
      for (const [k, [name, attack]] of attacks.entries()) {
        await poll.start();
        const outcome = await attack(performance.now() + seconds * 1000);
        const health = await poll.stop();
        v.results[k]?.push({ worst: health.maxMs, p95: health.p95Ms, failed: health.failures, outcome });
        console.error(
          `run ${run + 1}, ${v.label}, ${name}: worst /healthz ${fmt(health.maxMs)} ms, p95 ${fmt(health.p95Ms)} ms, ${health.failures} of ${health.polls} failed (${outcome})`,
        );
        // Let the relay shed what the attack left (closed sockets, expiring probe sessions) before the next.
        await sleep(2000);
      }
      await poll.close();
      await relay.stop();
    }
  }
} finally {
  work.remove();
}

printMachine(m);
console.log(
  `\nMethod: ${runs} runs${variants.length > 1 ? ` of each relay (${variants.map((v) => v.label).join(', ')}), taking turns within each run` : ''}, each a fresh relay process on loopback; /healthz polled every 50 ms from 127.0.0.1 (one request at a time, from a worker thread of the attacker's process) for ${seconds} s per attack; attacker from ${addresses} loopback addresses 127.0.0.2+. 1-min load average at each run's start: ${loads.join(', ')}.\n`,
);
const rows = variants.flatMap((v) =>
  attacks.map(([name], k) => {
    const r = v.results[k] ?? [];
    return [
      name,
      v.label,
      fmt(median(r.map((x) => x.worst))),
      r.map((x) => fmt(x.worst)).join(' / '),
      fmt(median(r.map((x) => x.p95))),
      `${r.reduce((a, x) => a + x.failed, 0)}`,
      r.at(-1)?.outcome ?? '',
    ];
  }),
);
console.log(
  table(
    [
      'attack',
      'relay',
      'worst /healthz ms (median)',
      'worst per run',
      'p95 ms (median)',
      'failed polls',
      'what the relay did (last run)',
    ],
    rows,
  ),
);
