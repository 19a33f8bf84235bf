/**
 * Fuzz, bounded and seeded: random and almost-right STUN, RTP, RTCP and DTLS datagrams to a live media
 * session's port (from a source authenticated with the session's credentials, so werift parses every byte,
 * and from a stranger), to a STUN probe port, and as ICE-TCP frames. The regression fixtures in
 * test/fixtures/fuzz/ are replayed first. The relay must not throw (vitest fails the run on any uncaught
 * error) nor block the event loop on a burst (it runs in this process); either way this file saves the
 * inputs sent just before as a new fixture. It must keep answering /healthz, and then serve a real session.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzDatagrams } from '../../helpers/fuzz-datagrams.ts';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { BrowserPeer } from '../../helpers/werift-browser.ts';
import { iceCheck } from './stun-requests.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/fuzz');
const SEED = 20261121;
/** Per target: a fixed count, so a run takes a second or two. */
const COUNT = 3000;
const TCP_COUNT = 300;

type Target = 'media-udp' | 'probe-udp' | 'media-tcp';
interface Fixture {
  targets: Target[];
  seed?: number;
  datagrams: Array<{ what?: string; hex: string }>;
}

/** The last datagrams sent, to save as a fixture if the relay throws. */
const recent: Array<{ target: Target; hex: string }> = [];
function remember(target: Target, bytes: Uint8Array) {
  recent.push({ target, hex: Buffer.from(bytes).toString('hex') });
  if (recent.length > 64) recent.shift();
}
function saveCrash(err: unknown) {
  const name = `crash-${SEED}-${Date.now()}.json`;
  const fixture: Fixture & { error: string } = {
    targets: [...new Set(recent.map((r) => r.target))],
    seed: SEED,
    error: String(err instanceof Error ? err.stack : err),
    datagrams: recent.map((r) => ({ hex: r.hex })),
  };
  writeFileSync(join(FIXTURES, name), JSON.stringify(fixture, null, 2));
}

let relay: TestRelay;
let probePort: number;
let udp: UdpSocket;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  process.on('uncaughtException', saveCrash);
  process.on('unhandledRejection', saveCrash);
  [probePort] = (await freePorts('udp', 1)) as [number];
  relay = await startTestRelay({
    media: { ports: { first: 47350, last: 47359 }, maxSessions: 10 },
    probes: { tcp: [], udp: [{ providerPort: 40000, relayPort: probePort }] },
    // No bitrate cap here: the point is that werift parses every datagram the fuzzer sends.
    limits: { sessionsPerAddress: 50, sessionStartsPerMinute: 1000, sessionMaxBitsPerSecond: 1e12 },
  });
  udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  process.off('uncaughtException', saveCrash);
  process.off('unhandledRejection', saveCrash);
  await new Promise<void>((r) => udp.close(() => r()));
  await relay.stop();
});

/** A live session to aim at: its media port and the credentials from its answer. */
async function liveSession() {
  const sig = await SignalingClient.open(relay);
  const peer = new BrowserPeer({ mode: 'extended' });
  await peer.connect(sig);
  peer.startRtp();
  const answer = await sig.next('answer');
  // Connected first: to the ICE-lite relay, the first check that nominates picks the session's one address.
  await expect.poll(() => peer.echoedPackets, { timeout: 5000 }).toBeGreaterThan(0);
  const ufrag = /^a=ice-ufrag:(.+)$/m.exec(answer.sdp)?.[1]?.trim() as string;
  const pwd = /^a=ice-pwd:(.+)$/m.exec(answer.sdp)?.[1]?.trim() as string;
  const port = Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer.sdp)?.[1]);
  const close = async () => {
    sig.close();
    await peer.close();
  };
  return { sig, peer, ufrag, pwd, port, close };
}

/** The relay runs in this process: a burst that blocks the event loop this long is a denial of service. */
const STALL_MS = 1000;

/** Yields after a burst; a burst that stalled the loop is saved as a fixture and fails the test. */
async function pause(started: number) {
  await sleep(2);
  const took = performance.now() - started;
  if (took > STALL_MS) {
    const err = new Error(`the relay blocked the event loop for ${Math.round(took)} ms on one burst`);
    saveCrash(err);
    throw err;
  }
}

/** Sends datagrams in small bursts, yielding in between so the relay keeps up and an error names its burst. */
async function sendAll(target: Target, port: number, datagrams: Uint8Array[]) {
  let burst = performance.now();
  for (let i = 0; i < datagrams.length; i++) {
    const bytes = datagrams[i] as Uint8Array;
    remember(target, bytes);
    udp.send(bytes, port, '127.0.0.1');
    if (i % 25 === 24) {
      await pause(burst);
      burst = performance.now();
    }
  }
  await pause(burst);
  await sleep(100);
}

/** RFC 4571 frames over one connection to the passive ICE-TCP listener. */
async function sendFrames(port: number, frames: Uint8Array[]) {
  const socket = tcpConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let burst = performance.now();
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as Uint8Array;
    remember('media-tcp', f);
    const head = Buffer.alloc(2);
    head.writeUInt16BE(Math.min(f.length, 0xffff));
    socket.write(Buffer.concat([head, f]));
    if (i % 25 === 24) {
      await pause(burst);
      burst = performance.now();
    }
  }
  await sleep(100);
  socket.destroy();
}

function fixtures(): Array<{ file: string; fixture: Fixture }> {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture }));
}

describe('relay fuzz', () => {
  it('replays the regression fixtures and survives', async () => {
    const all = fixtures();
    expect(all.length).toBeGreaterThan(0);
    const s = await liveSession();
    try {
      // Authenticate the fuzzing socket, so its datagrams reach werift.
      udp.send(
        iceCheck({ username: `${s.ufrag}:fz`, password: s.pwd, useCandidate: false }),
        s.port,
        '127.0.0.1',
      );
      await sleep(50);
      for (const { fixture } of all) {
        const datagrams = fixture.datagrams.map((d) => Buffer.from(d.hex, 'hex'));
        if (fixture.targets.includes('media-udp')) await sendAll('media-udp', s.port, datagrams);
        if (fixture.targets.includes('probe-udp')) await sendAll('probe-udp', probePort, datagrams);
        if (fixture.targets.includes('media-tcp'))
          await sendFrames(
            s.port,
            datagrams.filter((d) => d.length),
          );
      }
      expect((await relay.healthz()).status).toBe('ok');
    } finally {
      await s.close();
    }
  });

  it(`survives ${COUNT} seeded datagrams to a media port and ${COUNT} to a probe port, and ${TCP_COUNT} ICE-TCP frames`, async () => {
    const s = await liveSession();
    try {
      const credentials = { ufrag: s.ufrag, pwd: s.pwd };
      // Half as a stranger (the guard's work), half authenticated (werift's).
      await sendAll(
        'media-udp',
        s.port,
        fuzzDatagrams(SEED, COUNT / 2, credentials).map((d) => d.bytes),
      );
      udp.send(
        iceCheck({ username: `${s.ufrag}:fz`, password: s.pwd, useCandidate: false }),
        s.port,
        '127.0.0.1',
      );
      await sleep(50);
      await sendAll(
        'media-udp',
        s.port,
        fuzzDatagrams(SEED + 1, COUNT / 2, credentials).map((d) => d.bytes),
      );
      await sendAll(
        'probe-udp',
        probePort,
        fuzzDatagrams(SEED + 2, COUNT).map((d) => d.bytes),
      );
      await sendFrames(
        s.port,
        fuzzDatagrams(SEED + 3, TCP_COUNT, credentials)
          .map((d) => d.bytes)
          .filter((b) => b.length),
      );
      const health = await relay.healthz();
      expect(health.status).toBe('ok');
      // The probe responder answered none of it (no fuzz datagram carries a live probe session's credentials).
      expect(health.probes.stun.answered).toBe(0);
      const ignored = Object.values(health.probes.stun.ignored).reduce((a, b) => a + b, 0);
      expect(ignored).toBeGreaterThanOrEqual(COUNT);
      expect(await relay.metrics()).toMatch(
        /^svc_relay_media_dropped_total\{reason="unknown-source"\} \d{3,}/m,
      );
    } finally {
      await s.close();
    }
    // Bounded work (6300 datagrams and frames, in paced bursts): the default 5 s is too tight on a loaded
    // two-core machine; a stall is caught by STALL_MS per burst, not by this.
  }, 20_000);

  it('then serves a real session end to end', async () => {
    await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 5000 }).toBe(0);
    const s = await liveSession();
    try {
      await expect.poll(() => s.peer.echoedPackets, { timeout: 8000 }).toBeGreaterThan(20);
      expect(s.peer.echoedPackets).toBeLessThanOrEqual(s.peer.sentPackets);
      expect(await relay.metrics()).not.toMatch(/^svc_relay_errors_caught_total\{[^}]*\} [1-9]/m);
    } finally {
      await s.close();
    }
  });
});
