/** The werift shell on its own: what it binds, what it asks werift not to do, and that it frees its port once. */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'werift';
import type { SessionEvent } from '../../../src/relay/core/handle-session-event.ts';
import type { OfferPlan } from '../../../src/relay/core/offer-plan.ts';
import { createLogger } from '../../../src/relay/logger.ts';
import { EchoSession } from '../../../src/relay/media/echo-session.ts';
import { DEFAULT_SESSION_LIMITS } from '../../../src/relay/wss.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A browser-like offer (audio + data channel) from a werift peer that stays open until the test ends. */
async function offer(): Promise<string> {
  const pc = new RTCPeerConnection({
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  cleanup.push(() => pc.close());
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  pc.createDataChannel('probe', { ordered: false, maxRetransmits: 0 });
  const o = await pc.createOffer();
  for (const t of pc.iceTransports) t.connection.stunServer = undefined;
  await pc.setLocalDescription(o);
  return pc.localDescription?.sdp as string;
}

const OPUS_PLAN: OfferPlan = {
  audio: { name: 'opus', clockRate: 48_000, channels: 2, payloadType: 111 },
  dtlsRole: 'server',
};

function session(port: number, iceTcp = true) {
  const events: SessionEvent[] = [];
  let released = 0;
  const s = new EchoSession({
    port,
    address: '127.0.0.1',
    iceTcp,
    plan: OPUS_PLAN,
    maxBitsPerSecond: 256_000,
    checkRate: DEFAULT_SESSION_LIMITS.unprovenChecks,
    log: createLogger('silent'),
    onEvent: (e) => events.push(e),
    onReleased: () => {
      released++;
    },
  });
  cleanup.push(() => s.end('closed'));
  return { s, events, released: () => released };
}

describe('EchoSession', () => {
  it('answers ICE-lite on its one port, no STUN fallback, a 192-bit password', async () => {
    const { s, events } = session(47170);
    s.start(await offer());
    await expect.poll(() => events.some((e) => e.type === 'answer')).toBe(true);
    expect(s.pc.iceTransports.length).toBeGreaterThan(0);
    for (const t of s.pc.iceTransports) expect(t.connection.stunServer).toBeUndefined();
    const candidates = events.flatMap((e) =>
      e.type === 'local-candidate' && e.candidate ? [e.candidate.candidate] : [],
    );
    // ICE-lite: no active ICE-TCP candidate either (a lite agent never connects out).
    expect(candidates.map((c) => c.split(' ').slice(2, 8).join(' ')).sort()).toEqual([
      expect.stringMatching(/^tcp \d+ 127\.0\.0\.1 47170 typ host$/), // passive: the same port as UDP
      expect.stringMatching(/^udp \d+ 127\.0\.0\.1 47170 typ host$/),
    ]);
    expect(events).toContainEqual({ type: 'local-candidate', candidate: null });
    const answer = events.find((e) => e.type === 'answer')?.sdp ?? '';
    expect(answer).toMatch(/^a=ice-lite\r$/m);
    // 32 base64 characters: 192 bits (werift's own was 22 hex digits, 88 bits).
    const pwd = /^a=ice-pwd:(\S+)\r$/m.exec(answer)?.[1] ?? '';
    expect(pwd).toMatch(/^[A-Za-z0-9+/]{32}$/);
    expect(s.pc.iceTransports[0]?.connection.localPassword).toBe(pwd);
  });

  it('puts its guard in front of every socket werift opens (fails if a werift update renames the hooks)', async () => {
    const { s, events } = session(47175);
    s.start(await offer());
    await expect.poll(() => events.some((e) => e.type === 'answer')).toBe(true);
    // UDP (datagramReceived) and passive ICE-TCP (handleFrame).
    expect(s.guardedProtocols).toBe(2);
  });

  it('keeps no copy of the packets it echoes (fails if a werift update renames the send history)', async () => {
    const { s, events } = session(47176);
    s.start(await offer());
    await expect.poll(() => events.some((e) => e.type === 'answer')).toBe(true);
    const audio = s.pc.getTransceivers().find((tr) => tr.kind === 'audio');
    const sender = audio?.sender as unknown as { rtpCache: unknown[] };
    // werift's own writes: one per sent packet, and a fresh array when the source changes.
    sender.rtpCache[7] = { header: { sequenceNumber: 7 } };
    sender.rtpCache = [{ header: { sequenceNumber: 8 } }];
    sender.rtpCache[8 % 128] = { header: { sequenceNumber: 8 } };
    expect(sender.rtpCache[7]).toBeUndefined();
    expect(sender.rtpCache[8]).toBeUndefined();
    expect(sender.rtpCache.length).toBe(0);
    // A sender werift makes without the relay does keep them: the property is still werift's cache.
    const plain = new RTCPeerConnection({ iceServers: [] });
    cleanup.push(() => plain.close());
    expect(
      Array.isArray((plain.addTransceiver('audio').sender as unknown as { rtpCache: unknown }).rtpCache),
    ).toBe(true);
  });

  it('offers no TCP candidate with ICE-TCP off', async () => {
    const { s, events } = session(47171, false);
    s.start(await offer());
    await expect.poll(() => events.some((e) => e.type === 'answer')).toBe(true);
    const candidates = events.flatMap((e) =>
      e.type === 'local-candidate' && e.candidate ? [e.candidate.candidate] : [],
    );
    expect(candidates).toEqual([expect.stringMatching(/ udp \d+ 127\.0\.0\.1 47171 typ host/)]);
  });

  it('releases its port exactly once, however often and whenever it is ended', async () => {
    const { s, released } = session(47172);
    s.start(await offer());
    // Ended while still answering, then again from every direction at once.
    const ends = [s.end('bye'), s.end('closed'), s.end('shutdown')];
    expect(new Set(ends).size).toBe(1);
    await Promise.all(ends);
    await s.end('error');
    expect(released()).toBe(1);
    // And the port really is free: werift closed its socket before the release.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(47172, '127.0.0.1', resolve);
    });
    await new Promise<void>((r) => sock.close(() => r()));
  });

  it('reports busy, not a session without candidates, when another process holds its port', async () => {
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(47173, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const { s, events } = session(47173);
    s.start(await offer());
    await expect.poll(() => events.some((e) => e.type === 'busy')).toBe(true);
    expect(events).toContainEqual({ type: 'busy', retryAfterS: 1 });
    expect(events.some((e) => e.type === 'answer')).toBe(false);
  });

  it.each([
    ['nonsense', 'v=0\r\nnonsense'],
    [
      'an audio section without ICE credentials',
      'v=0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n',
    ],
  ])('reports a failure, not a vacuous "connected", for an offer with %s', async (_name, sdp) => {
    const { s, events } = session(47174);
    s.start(sdp);
    await expect
      .poll(() => events)
      .toEqual([
        { type: 'failed', message: 'cannot answer the offer: no media section with ICE credentials' },
      ]);
  });
});
