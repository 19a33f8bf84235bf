/**
 * The relay process under bounded load, the CI-sized version of scripts/bench/relay-load.ts: 20 concurrent
 * echo sessions for 5 s with /healthz answering throughout, then 50 sessions one after another, after which
 * the relay holds no session and as many file descriptors as before, and its memory (after a full garbage
 * collection, see GC_ON_SIGNAL) is within 10 % of where it was after a warm-up. Loopback only; the
 * full-size figures are in BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeEchoStream,
  fdCount,
  memoryAfterGc,
  metricValue,
  openEchoStream,
  openMany,
  pollHealth,
  timedGet,
} from '../helpers/relay-load.ts';
import { GC_ON_SIGNAL, type RelayProcess, startRelayProcess } from './harness/relay-process.ts';

const CONCURRENT = 20;
const HOLD_MS = 5000;
const SEQUENTIAL = 50;
/** The relay's longest set-up time (its --setup-timeout-ms upper bound). */
const SETUP_MS = 30_000;
const WARM_UP = 10;

let relay: RelayProcess;
let cert: string;
let pid: number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  relay = await startRelayProcess(
    [
      '--media-ports',
      '47400-47449',
      // One loopback address plays every client here.
      '--max-sessions-per-address',
      '100',
      '--session-starts-per-minute',
      '10000',
      // What is measured here is holding the sessions, not how fast they connect: 20 DTLS handshakes on both
      // sides in JavaScript took a loaded 2-core machine past the default 10 s (10 of 20 ended setup-timeout).
      '--setup-timeout-ms',
      String(SETUP_MS),
    ],
    { nodeArgs: GC_ON_SIGNAL },
  );
  cert = readFileSync(relay.certFile, 'utf8');
  pid = relay.child.pid as number;
});
afterAll(async () => {
  expect(await relay?.stop('SIGTERM')).toBe(0);
});

async function idleAgain() {
  await expect
    .poll(async () => JSON.parse((await timedGet(relay.port, cert, '/healthz')).body).sessions.active, {
      timeout: 10_000,
    })
    .toBe(0);
}

describe('relay under load', () => {
  it(`holds ${CONCURRENT} concurrent echo sessions for ${HOLD_MS / 1000} s and answers /healthz throughout`, async () => {
    const health = pollHealth(relay.port, cert, 200);
    const { streams, failures } = await openMany({ port: relay.port, cert }, CONCURRENT, 10, {
      limitMs: SETUP_MS + 5000,
    });
    try {
      expect(failures).toEqual([]);
      expect(streams).toHaveLength(CONCURRENT);
      const before = streams.map((s) => [s.peer.sentPackets, s.peer.echoedPackets] as const);
      await sleep(HOLD_MS);
      streams.forEach((s, i) => {
        const [sent0, echoed0] = before[i] as readonly [number, number];
        const ratio = (s.peer.echoedPackets - echoed0) / Math.max(1, s.peer.sentPackets - sent0);
        expect(ratio).toBeGreaterThan(0.9);
        expect(s.peer.echoedPackets).toBeLessThanOrEqual(s.peer.sentPackets);
        expect(s.sig.messages.map((m) => m.type)).not.toContain('session-ended');
      });
      const polled = await health.stop();
      expect(polled.failures).toBe(0);
      // Answered again and again while the sessions were held (how fast is the benchmarks' business).
      expect(polled.polls).toBeGreaterThanOrEqual(5);
    } finally {
      await Promise.all(streams.map(closeEchoStream));
      await health.stop();
    }
    await idleAgain();
  });

  it(`runs ${SEQUENTIAL} sessions one after another and returns to its file descriptors and memory`, async () => {
    for (let i = 0; i < WARM_UP; i++) await closeEchoStream(await openEchoStream({ port: relay.port, cert }));
    await idleAgain();
    await sleep(1000);
    const fds0 = await fdCount(pid);
    const mem0 = await memoryAfterGc(pid, relay.port, cert);
    for (let i = 0; i < SEQUENTIAL; i++) {
      const s = await openEchoStream({ port: relay.port, cert });
      await expect.poll(() => s.peer.echoedPackets, { timeout: 5000 }).toBeGreaterThanOrEqual(5);
      await closeEchoStream(s);
    }
    await idleAgain();
    await expect.poll(() => fdCount(pid), { timeout: 5000 }).toBeLessThanOrEqual(fds0);
    const mem = await memoryAfterGc(pid, relay.port, cert);
    expect(mem.rssMiB).toBeLessThanOrEqual(mem0.rssMiB * 1.1);
    expect(mem.heapMiB).toBeLessThanOrEqual(mem0.heapMiB * 1.1);
    const metrics = (await timedGet(relay.port, cert, '/metrics')).body;
    expect(metricValue(metrics, 'svc_relay_sessions_active')).toBe(0);
    expect(metrics).not.toMatch(/^svc_relay_errors_caught_total\{[^}]*\} [1-9]/m);
  });
});
