/**
 * Load generation against a relay process, shared by the bounded e2e load test and scripts/bench/relay-load.ts:
 * echo streams played by werift peers (the browser's part), /healthz polled throughout, and the relay
 * process's resident memory and open file descriptors read from /proc. Loopback only.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { MediaMode } from '../../src/protocol/relay-messages.ts';
import type { TestRelay } from './in-process-relay.ts';
import { SignalingClient } from './signaling-client.ts';
import { BrowserPeer } from './werift-browser.ts';

export interface EchoStream {
  sig: SignalingClient;
  peer: BrowserPeer;
  /** Offer sent to first echoed packet, ms. */
  setupMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Opens signaling and a werift peer that sends audio RTP; resolves at the first echoed packet. */
export async function openEchoStream(
  relay: { port: number; cert: string },
  opts: { mode?: MediaMode; limitMs?: number } = {},
): Promise<EchoStream> {
  // SignalingClient reads only the port and the certificate to trust of a TestRelay.
  const sig = await SignalingClient.open({
    port: relay.port,
    tls: { cert: relay.cert },
  } as unknown as TestRelay);
  const peer = new BrowserPeer({ mode: opts.mode ?? 'extended' });
  const started = performance.now();
  try {
    await peer.connect(sig);
    // A browser sends as soon as it has a track; werift drops what it writes before SRTP is keyed.
    peer.startRtp();
    const deadline = started + (opts.limitMs ?? 15_000);
    while (peer.echoedPackets === 0) {
      const refusal = sig.messages.find((m) => m.type === 'error' || m.type === 'session-ended');
      if (refusal) throw new Error(`relay refused: ${JSON.stringify(refusal)}`);
      if (performance.now() > deadline)
        throw new Error(`no echo within ${(opts.limitMs ?? 15_000) / 1000} s`);
      await sleep(10);
    }
    return { sig, peer, setupMs: performance.now() - started };
  } catch (err) {
    await closeEchoStream({ sig, peer, setupMs: 0 });
    throw err;
  }
}

export async function closeEchoStream({ sig, peer }: EchoStream): Promise<void> {
  try {
    sig.send({ type: 'bye' });
  } catch {
    // socket already closed
  }
  sig.close();
  await peer.close().catch(() => undefined);
}

/** Opens `n` streams with at most `concurrency` setups in flight; failures are collected, not thrown. */
export async function openMany(
  relay: { port: number; cert: string },
  n: number,
  concurrency: number,
  opts: { limitMs?: number } = {},
): Promise<{ streams: EchoStream[]; failures: string[] }> {
  const streams: EchoStream[] = [];
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        next++;
        try {
          streams.push(await openEchoStream(relay, opts));
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }),
  );
  return { streams, failures };
}

/** VmRSS of a process, MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": comm may hold spaces, so split after its closing parenthesis. utime and stime are
  // fields 14 and 15 of the whole line, 12th and 13th after it.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Open file descriptors (sockets included) of a process. */
export async function fdCount(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** GET over HTTPS trusting `cert`; resolves with the status and the time it took, ms. */
export function timedGet(
  port: number,
  cert: string,
  path: string,
  timeoutMs = 5000,
): Promise<{ status: number; ms: number; body: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`https://127.0.0.1:${port}${path}`, { ca: cert, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export interface HealthPoll {
  /** Stops polling and says how /healthz answered meanwhile. */
  stop(): Promise<{ polls: number; failures: number; maxMs: number; p95Ms: number }>;
}

/** GET /healthz every `everyMs` (one at a time) until stopped. */
export function pollHealth(port: number, cert: string, everyMs: number): HealthPoll {
  const times: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const r = await timedGet(port, cert, '/healthz');
        if (r.status === 200) times.push(r.ms);
        else failures++;
      } catch {
        failures++;
      }
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...times].sort((a, b) => a - b);
      return {
        polls: times.length + failures,
        failures,
        maxMs: sorted.at(-1) ?? Number.NaN,
        p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? Number.NaN,
      };
    },
  };
}

/** The value of one unlabelled metric in a /metrics text. */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Memory of a relay started with GC_ON_SIGNAL (test/e2e/harness/relay-process.ts), after a full collection:
 * live memory, not how lazily V8 happened to collect. RSS MiB, and from /metrics the V8 heap in use and the
 * memory outside it that JavaScript objects hold (Buffers, crypto and socket handles), MiB.
 */
export async function memoryAfterGc(
  pid: number,
  port: number,
  cert: string,
): Promise<{ rssMiB: number; heapMiB: number; externalMiB: number }> {
  process.kill(pid, 'SIGUSR2');
  await sleep(500);
  // A relay echoing hundreds of streams on a loaded machine has taken over 5 s to answer: a reading, not a probe.
  const metrics = (await timedGet(port, cert, '/metrics', 30_000)).body;
  return {
    rssMiB: await rssMiB(pid),
    heapMiB: metricValue(metrics, 'process_heap_used_bytes') / 2 ** 20,
    externalMiB: metricValue(metrics, 'process_external_memory_bytes') / 2 ** 20,
  };
}
