/**
 * The native echo (media/native/) where native-echo.test.ts does not go, through real relay sessions with a
 * werift peer and real DTLS-SRTP over loopback: a user on IPv6 (::1), a user who sends past the session's
 * bitrate cap while the add-on echoes (the relay must end it as the lean echo does, and echo no more than
 * the cap lets in), and a relay whose add-on is missing or does not load (it says so once and echoes with
 * the lean echo).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../../src/protocol/relay-messages.ts';
import type { Logger } from '../../../src/relay/logger.ts';
import { LeanEcho } from '../../../src/relay/media/lean-echo.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import {
  byeLetsGo,
  forgedSrtp,
  peerSocket,
  strangerIsDropped,
  useNativeEcho,
  type WatchedEcho,
} from '../../helpers/native-echo.ts';
import { sendingPeer } from '../../helpers/sending-peer.ts';
import type { BrowserPeerOptions } from '../../helpers/werift-browser.ts';

/**
 * Where the relay looks for its add-on when it loads it itself (the tests that bring their own add-on
 * name its file, and load it unchanged): what a relay finds in dist/native, set per test.
 */
const addon = vi.hoisted(() => ({ file: '' }));
vi.mock('../../../src/relay/media/native/native-echo.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/relay/media/native/native-echo.ts')>();
  return { ...actual, loadNativeEcho: (file?: string) => actual.loadNativeEcho(file ?? addon.file) };
});

const native = useNativeEcho();
const { cleanup } = native;

/** This file's own media ports (native-echo.test.ts has 47340; files run side by side). */
const IPV6_PORT = 47341;
const CAP_PORTS = { first: 47342, last: 47343 };
const MISSING_PORTS = { first: 47344, last: 47345 };
const BROKEN_PORTS = { first: 47346, last: 47347 };
/** The session bitrate cap these tests set (the relay's default) and the window it is averaged over. */
const CAP_BPS = 256_000;
const CAP_WINDOW_BYTES = (CAP_BPS / 8) * 2;
const LIMITS = { sessionsPerAddress: 50, sessionStartsPerMinute: 1000, sessionMaxBitsPerSecond: CAP_BPS };
/** Waits for what is certain to come: real WebRTC on two cores shared with other test files is slow. */
const CERTAIN = { timeout: 30_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps the relay's log lines, parsed, for what an operator would read. */
function keptLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

async function relayWith(opts: Parameters<typeof startTestRelay>[0]): Promise<TestRelay> {
  const relay = await startTestRelay(opts);
  cleanup.push(() => relay.stop());
  return relay;
}

/** A sending peer and, once the relay handed its session to the add-on, the add-on's handle of it. */
async function nativeSession(relay: TestRelay, opts: BrowserPeerOptions = {}) {
  const { sig, peer, answer } = await sendingPeer(relay, cleanup, opts);
  await expect.poll(() => peer.echoedPackets, CERTAIN).toBeGreaterThan(3);
  const from = peerSocket(peer).address().port;
  await expect.poll(() => native.watched.attached.some((a) => a.opts.peerPort === from), CERTAIN).toBe(true);
  const attached = native.watched.attached.find(
    (a) => a.opts.peerPort === from,
  ) as WatchedEcho['attached'][number];
  const port = Number(/^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/im.exec(answer)?.[1]);
  return { sig, peer, port, ...attached };
}

async function mediaCounts(sig: Awaited<ReturnType<typeof sendingPeer>>['sig']) {
  sig.send({ type: 'media-counts' });
  return (await sig.next('media-counts')) as Extract<ServerMessage, { type: 'media-counts' }>;
}

describe('native echo over IPv6', () => {
  it('takes an IPv6 session over, echoes it in the add-on with the right counts, refuses forgeries and strangers, and frees the port', async () => {
    const relay = await relayWith({
      media: {
        ports: { first: IPV6_PORT, last: IPV6_PORT },
        address6: '::1',
        echoPath: 'native',
        nativeEcho: native.watched.echo,
      },
    });
    const { sig, peer, port, handle, opts } = await nativeSession(relay, { ipv6Only: true });
    // The add-on echoes to the user's IPv6 address, the one the user's browser nominated.
    expect(opts.peerAddress).toBe('::1');
    expect(peer.pc.iceTransports[0]?.connection.nominated?.remoteAddr).toEqual(['::1', port]);

    await expect.poll(() => peer.echoedPackets, CERTAIN).toBeGreaterThanOrEqual(50);
    // The add-on echoed them (all but the few the lean echo took before the handover), each whole.
    const stats = native.watched.stats(handle);
    expect(stats.echoed).toBeGreaterThanOrEqual(peer.echoedPackets - 5);
    expect(stats.echoed).toBeLessThanOrEqual(peer.echoedPackets);
    expect(stats.refused).toBe(0);
    expect(peer.echoedBytes / peer.echoedPackets).toBe(80);
    const counts = await mediaCounts(sig);
    expect(counts.rtp.received).toBeGreaterThanOrEqual(peer.echoedPackets);
    expect(counts.rtp.received).toBeLessThanOrEqual(counts.rtp.expected);
    expect(counts.rtp.expected).toBeLessThanOrEqual(peer.sentPackets);

    // A forgery from the user's IPv6 address is refused by the add-on.
    peerSocket(peer).send(forgedSrtp(60_000), port, '::1');
    await expect.poll(() => native.watched.stats(handle).refused, CERTAIN).toBe(1);

    // Another IPv6 address's datagram goes to the guard (unknown source) and gets nothing back.
    await strangerIsDropped(relay, native.watched, handle, port, 6, cleanup);

    // At the end the add-on lets go of the IPv6 socket: the port can be bound again on ::1.
    await byeLetsGo(relay, sig, native.watched, handle, port, 6);
  }, 120_000);
});

describe('native echo and the bitrate cap', () => {
  it('ends a session that floods past its cap as rate-limited, echoing no more than the cap let in, while another session keeps its native echo', async () => {
    const { log, lines } = keptLog();
    const relay = await relayWith({
      media: { ports: CAP_PORTS, maxSessions: 10, echoPath: 'native', nativeEcho: native.watched.echo },
      limits: LIMITS,
      log,
    });
    const calm = await nativeSession(relay);
    const flood = await nativeSession(relay);
    // The flooding user goes quiet first, so that the cap's window holds none of its audio: then all the
    // flood may pass is one window's worth of the cap.
    flood.peer.stopRtp();
    await sleep(2500);
    expect(native.watched.echo.polling(flood.handle)).toBe(true);
    const echoedBefore = flood.peer.echoedBytes;
    const nativeBefore = native.watched.stats(flood.handle).echoed;
    // ~9 Mbit/s: three 1100-byte packets every millisecond or so (as media-hardening's flood).
    flood.peer.startRtp({ payloadBytes: 1100, intervalMs: 1, perTick: 3 });
    expect(await flood.sig.next('session-ended', CERTAIN.timeout)).toEqual({
      type: 'session-ended',
      reason: 'rate-limited',
    });
    flood.peer.stopRtp();
    await sleep(500);
    // The add-on echoed the flood up to the cap, and the echo carried no more than the cap let in (payload
    // bytes, which are fewer than the datagram bytes the cap counts).
    expect(native.watched.stats(flood.handle).echoed).toBeGreaterThan(nativeBefore);
    expect(flood.peer.echoedBytes - echoedBefore).toBeGreaterThan(0);
    expect(flood.peer.echoedBytes - echoedBefore).toBeLessThanOrEqual(CAP_WINDOW_BYTES);
    expect(flood.peer.echoedBytes).toBeLessThanOrEqual(flood.peer.sentBytes);
    expect(native.watched.echo.polling(flood.handle)).toBe(false);

    // What the provider sees: as with the lean echo, one session ended rate-limited, the drops counted,
    // one log line saying which cap it went over.
    const text = await relay.metrics();
    expect(text).toMatch(/^svc_relay_sessions_ended_total\{reason="rate-limited"\} 1$/m);
    expect(text).toMatch(/^svc_relay_media_dropped_total\{reason="over-bitrate"\} [1-9]/m);
    expect(lines.filter((l) => l.event === 'media-session-over-bitrate')).toEqual([
      expect.objectContaining({ capKbps: CAP_BPS / 1000 }),
    ]);

    // The other session goes on, echoed by the add-on.
    const calmBefore = native.watched.stats(calm.handle).echoed;
    await expect
      .poll(() => native.watched.stats(calm.handle).echoed, CERTAIN)
      .toBeGreaterThan(calmBefore + 20);
    expect(native.watched.echo.polling(calm.handle)).toBe(true);
    expect(calm.peer.echoedPackets).toBeLessThanOrEqual(calm.peer.sentPackets);
    expect(calm.sig.messages.map((m) => m.type)).not.toContain('session-ended');
  }, 120_000);
});

describe('a relay without its add-on', () => {
  it.each([
    ['missing', MISSING_PORTS, 'not built'],
    ['not loadable', BROKEN_PORTS, 'did not load'],
  ] as const)(
    'says once that the native echo is not loaded (add-on %s) and echoes every session with the lean echo',
    async (_, ports, reason) => {
      const dir = await mkdtemp(join(tmpdir(), 'svc-native-echo-absent-'));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      addon.file = join(dir, 'udp-echo.node');
      // An add-on that is there but is no shared object (a build for another platform fails the same way).
      if (reason === 'did not load') await writeFile(addon.file, 'not an ELF file\n');
      const took = vi.spyOn(LeanEcho.prototype, 'take');
      cleanup.push(() => took.mockRestore());

      const { log, lines } = keptLog();
      // No add-on passed in: the relay loads its own, as the command line's does (--echo-path native).
      const relay = await relayWith({ media: { ports, echoPath: 'native' }, limits: LIMITS, log });
      const notLoaded = lines.filter((l) => l.event === 'native-echo-not-loaded');
      expect(notLoaded).toEqual([
        expect.objectContaining({ level: 40, echoPath: 'lean', reason: expect.stringContaining(reason) }),
      ]);
      expect(String(notLoaded[0]?.reason)).toContain(addon.file);

      // Two sessions, both echoed, by the lean echo (it took at least every packet echoed).
      const first = await sendingPeer(relay, cleanup);
      const second = await sendingPeer(relay, cleanup);
      for (const { peer } of [first, second]) {
        await expect.poll(() => peer.echoedPackets, CERTAIN).toBeGreaterThanOrEqual(25);
        expect(peer.echoedPackets).toBeLessThanOrEqual(peer.sentPackets);
      }
      const takenAudio = took.mock.results.filter((r) => r.type === 'return' && r.value === true).length;
      expect(takenAudio).toBeGreaterThanOrEqual(first.peer.echoedPackets + second.peer.echoedPackets);
      const counts = await mediaCounts(first.sig);
      expect(counts.rtp.received).toBeGreaterThanOrEqual(first.peer.echoedPackets);
      // Said once at start, not per session, and never that the native echo is in use.
      expect(lines.filter((l) => l.event === 'native-echo-not-loaded')).toHaveLength(1);
      expect(lines.filter((l) => l.event === 'echo-path')).toEqual([]);
    },
    120_000,
  );
});
