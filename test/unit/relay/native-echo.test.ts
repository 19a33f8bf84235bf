/**
 * The native echo (media/native/) through a real relay session: a werift peer in the browser's part, the
 * in-process relay with echo path 'native' and the add-on compiled for this test, real DTLS-SRTP
 * (AEAD_AES_128_GCM, which werift negotiates) over loopback.
 */
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/protocol/relay-messages.ts';
import { chooseEcho } from '../../../src/relay/media/native/choose-echo.ts';
import { loadNativeEcho } from '../../../src/relay/media/native/native-echo.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import {
  byeLetsGo,
  forgedSrtp,
  peerSocket,
  strangerIsDropped,
  type WatchedEcho,
  watchedNativeEcho,
} from '../../helpers/native-echo.ts';
import { sendingPeer } from '../../helpers/sending-peer.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

let watched: WatchedEcho;
beforeAll(async () => {
  watched = await watchedNativeEcho();
}, 120_000);

async function relayOn(port: number): Promise<TestRelay> {
  const relay = await startTestRelay({
    media: { ports: { first: port, last: port }, echoPath: 'native', nativeEcho: watched.echo },
  });
  cleanup.push(() => relay.stop());
  return relay;
}

async function session(relay: TestRelay) {
  const { sig, peer, answer } = await sendingPeer(relay, cleanup);
  const port = Number(/^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/im.exec(answer)?.[1]);
  return { sig, peer, port };
}

/** A media port of this file's own (47320 is media-hardening's, and vitest runs files side by side). */
const NATIVE_ECHO_PORT = 47340;
/**
 * Echoes of packets sent just before the count was taken may still be on their way back (a couple at 50
 * packets a second on loopback); an echoed forgery would show on top of them.
 */
const IN_FLIGHT = 2;

describe('native echo', () => {
  it('echoes the audio in the add-on, keeps the counts and RTCP, refuses forgeries and strangers, and lets go of the socket at the end', async () => {
    const relay = await relayOn(NATIVE_ECHO_PORT);
    const { sig, peer, port } = await session(relay);
    const rtcp = new Set<number>();
    const tr = peer.pc.getTransceivers()[0];
    tr?.receiver.onRtcp.subscribe((p) => rtcp.add(p.type));
    tr?.sender.onRtcp.subscribe((p) => rtcp.add(p.type));

    await expect.poll(() => watched.attached.length, { timeout: 8000 }).toBe(1);
    const { handle, opts } = watched.attached[0] as WatchedEcho['attached'][number];
    expect(opts.peerAddress).toBe('127.0.0.1');
    expect(opts.peerPort).toBe(peerSocket(peer).address().port);
    await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(50);
    // The add-on echoed them, not JavaScript: all but the first few the lean echo took before the handover.
    const first = watched.stats(handle);
    expect(first.echoed).toBeGreaterThanOrEqual(peer.echoedPackets - 5);
    expect(first.echoed).toBeLessThanOrEqual(peer.echoedPackets);
    expect(first.refused).toBe(0);
    expect(peer.echoedBytes / peer.echoedPackets).toBe(80);
    expect(peer.echoedPackets).toBeLessThanOrEqual(peer.sentPackets);

    // The relay's figures for the client, from the add-on's packets: the whole session and second by second.
    sig.send({ type: 'media-counts', perSecond: true });
    const counts = (await sig.next('media-counts')) as Extract<ServerMessage, { type: 'media-counts' }>;
    expect(counts.rtp.received).toBeGreaterThanOrEqual(peer.echoedPackets);
    expect(counts.rtp.received).toBeLessThanOrEqual(counts.rtp.expected);
    expect(counts.rtp.expected).toBeLessThanOrEqual(peer.sentPackets);
    expect(counts.rtp.expected - counts.rtp.received).toBeLessThanOrEqual(counts.rtp.expected * 0.05);
    const seconds = counts.perSecond?.seconds ?? [];
    expect(seconds.reduce((a, s) => a + s.rtp.received, 0)).toBe(counts.rtp.received);
    expect(seconds.at(-1)?.rtp.span).toBe(counts.rtp.expected);
    expect(seconds.reduce((a, s) => a + s.sent, 0)).toBeGreaterThanOrEqual(counts.rtp.received - 1);
    // The relay's sender report (200) and receiver report (201) keep coming.
    await expect.poll(() => [...rtcp].sort(), { timeout: 4000 }).toEqual(expect.arrayContaining([200, 201]));

    // A forged packet from the nominated address: refused by the add-on, nothing echoed for it.
    const echoedBefore = peer.echoedPackets;
    const sentBefore = peer.sentPackets;
    peerSocket(peer).send(forgedSrtp(60_000), port, '127.0.0.1');
    await expect.poll(() => watched.stats(handle).refused, { timeout: 3000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(peer.echoedPackets - echoedBefore).toBeLessThanOrEqual(peer.sentPackets - sentBefore + IN_FLIGHT);

    // A datagram from another address (a copy of what the peer sends would do as well): handed to the
    // guard, which drops it (unknown source), and nothing goes back to that address.
    await strangerIsDropped(relay, watched, handle, port, 4, cleanup);
    expect(watched.stats(handle).refused).toBe(1);

    // The end: the add-on stopped polling and closed its copy of the descriptor (else the port stays bound).
    await byeLetsGo(relay, sig, watched, handle, port, 4);
    const atEnd = watched.stats(handle);

    // A second session on the same port (descriptor numbers come round again): its own handover, echoed.
    const second = await session(relay);
    await expect.poll(() => watched.attached.length, { timeout: 8000 }).toBe(2);
    await expect.poll(() => second.peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(25);
    const again = watched.attached[1] as WatchedEcho['attached'][number];
    expect(watched.stats(again.handle).echoed).toBeGreaterThanOrEqual(20);
    // The first session's add-on state saw none of it.
    expect(watched.stats(handle)).toEqual(atEnd);
  }, 30_000);
});

describe('choosing the echo', () => {
  it('uses the lean echo and says why when the add-on is missing', () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const choice = chooseEcho('native', log, () => loadNativeEcho('/nonexistent/udp-echo.node'));
    expect(choice).toEqual({ echoPath: 'lean', nativeEcho: null });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        event: 'native-echo-not-loaded',
        echoPath: 'lean',
        reason: 'not built (/nonexistent/udp-echo.node missing)',
      }),
    ]);
  });

  it('says which echo it uses when the add-on loads', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const choice = chooseEcho('native', log, () => ({ ok: true, echo: watched.echo, file: 'x.node' }));
    expect(choice.echoPath).toBe('native');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ event: 'echo-path', echoPath: 'native', file: 'x.node' }),
    ]);
    expect(chooseEcho('lean', log)).toEqual({ echoPath: 'lean', nativeEcho: null });
  });
});
