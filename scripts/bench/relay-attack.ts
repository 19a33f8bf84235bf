/**
 * Benchmark: the relay while one attacker sends it the worst inputs of the security review (issue 10), as a
 * separate process, while another client polls /healthz. Prints the worst and 95th-percentile /healthz
 * latency under each attack, and with no attack for comparison.
 *   node scripts/bench/relay-attack.ts [--seconds 10] [--addresses 20] [--connections 300]
 * The attacker's traffic comes from 127.0.0.2 and up (one loopback address per simulated client, so the
 * relay's per-address limits apply to it as to real clients); the poller is 127.0.0.1. Loopback only, and
 * every attack is bounded in time (--seconds, at most 30) and in count (--addresses, --connections).
 * Needs a build of the relay (npm run bench:relay-attack builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import { report } from '../../test/fakes/report.ts';
import { pollHealth } from '../../test/helpers/relay-load.ts';
import { boundedInt, fmt, machine, printMachine, ROOT, sleep, table } from './common.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    addresses: { type: 'string', default: '20' },
    connections: { type: 'string', default: '300' },
  },
});
const seconds = boundedInt('seconds', values.seconds, 3, 30);
const addresses = boundedInt('addresses', values.addresses, 1, 200);
const connections = boundedInt('connections', values.connections, 10, 2000);
if (!existsSync(join(ROOT, 'dist/relay/server.js'))) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}
const m = machine(false);

const relay = await startRelayProcess(['--media-ports', '28400-28419', '--max-sessions', '20']);
const cert = readFileSync(relay.certFile, 'utf8');
const attacker = (i: number) => `127.0.0.${2 + (i % addresses)}`;
const EXTENSION = `chrome-extension://${'a'.repeat(32)}`;

/** One HTTPS request from `localAddress`, answered or failed; never throws. */
function post(localAddress: string, path: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `https://127.0.0.1:${relay.port}${path}`,
      {
        method: 'POST',
        ca: cert,
        localAddress,
        timeout: 10_000,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Origin: EXTENSION,
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
      for (let k = 0; k < 3; k++) ws.send('{"type":"probe-start"}');
    });
    open.push(ws);
    if (i % 20 === 19) await sleep(20);
  }
  while (performance.now() < until) await sleep(100);
  for (const ws of open) ws.terminate();
  return `${opened} opened, ${refused} refused at the upgrade, ${probeSessions} probe sessions, ${busy} busy`;
}

const attacks: Array<[string, (until: number) => Promise<string>]> = [
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
  ['WebSockets: foreign origins and probe-start floods', wsFlood],
];

const rows: string[][] = [];
for (const [name, attack] of attacks) {
  const poll = pollHealth(relay.port, cert, 50);
  const t0 = performance.now();
  const outcome = await attack(t0 + seconds * 1000);
  const health = await poll.stop();
  rows.push([name, fmt(health.maxMs), fmt(health.p95Ms), `${health.polls}`, `${health.failures}`, outcome]);
  console.error(`${name}: worst /healthz ${fmt(health.maxMs)} ms, p95 ${fmt(health.p95Ms)} ms (${outcome})`);
  // Let the relay shed what the attack left (closed sockets, expiring probe sessions) before the next.
  await sleep(2000);
}
await relay.stop();

printMachine(m);
console.log(
  `\nMethod: relay process on loopback; /healthz polled every 50 ms from 127.0.0.1 (one request at a time) for ${seconds} s per attack, attacker from ${addresses} loopback addresses 127.0.0.2+.\n`,
);
console.log(
  table(['attack', 'worst /healthz ms', 'p95 ms', 'polls', 'failed polls', 'what the relay did'], rows),
);
