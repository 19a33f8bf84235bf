/**
 * The media loopback end to end in Node: a werift peer in the browser's part, the real relay (WSS signaling,
 * port pool, werift echo session) in process, real DTLS-SRTP over loopback.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileId } from '../../../src/profiles/types.ts';
import type { ServerMessage } from '../../../src/protocol/relay-messages.ts';
import { providerMediaRanges } from '../../../src/relay/core/media-ports.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { BrowserPeer } from '../../helpers/werift-browser.ts';

// Every datagram sent in this process, by destination, and every name looked up: the relay must talk to
// nobody but its client. (werift resolves its STUN fallback, stun.l.google.com, with dns.promises.lookup
// before sending; where DNS fails, as in CI sandboxes, the lookup is the only trace.)
const destinations = new Set<string>();
const lookups: string[] = [];
const originalSend = dgram.Socket.prototype.send;
const originalLookup = dns.promises.lookup;
beforeAll(() => {
  dns.promises.lookup = ((host: string) => {
    lookups.push(host);
    return Promise.reject(new Error(`test: no DNS for ${host}`));
  }) as typeof dns.promises.lookup;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    // send(msg, port, address, cb) or send(msg, offset, length, port, address, cb)
    const address = args.find((a, i) => i > 0 && typeof a === 'string');
    destinations.add(String(address));
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;
});
afterAll(() => {
  dgram.Socket.prototype.send = originalSend;
  dns.promises.lookup = originalLookup;
});

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function relayWith(first: number, last: number, extra: { setupTimeoutMs?: number } = {}) {
  const relay = await startTestRelay({ media: { ports: { first, last }, ...extra } });
  cleanup.push(() => relay.stop());
  return relay;
}
async function signaling(relay: TestRelay) {
  const sig = await SignalingClient.open(relay);
  cleanup.push(() => sig.close());
  return sig;
}
function browser(opts?: ConstructorParameters<typeof BrowserPeer>[0]) {
  const peer = new BrowserPeer(opts);
  cleanup.push(() => peer.close());
  return peer;
}

/** Whether something else could bind this port now, UDP and TCP, on the media address. */
async function portIsFree(port: number): Promise<{ udp: boolean; tcp: boolean }> {
  const udp = await new Promise<boolean>((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  const tcp = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
  return { udp, tcp };
}

const candidatePort = (c: string) => Number(c.split(' ')[5]);

describe('media loopback through the relay', () => {
  it('echoes audio RTP and data channel probes over DTLS-SRTP, then frees its port on bye and says so', async () => {
    const relay = await relayWith(47120, 47121);
    const sig = await signaling(relay);
    const peer = browser();
    await peer.connect(sig);
    peer.startRtp();

    const answer = await sig.next('answer');
    const relayCandidates = [...answer.sdp.matchAll(/^a=(candidate:.*)$/gm)].map((m) =>
      (m[1] as string).trim(),
    );
    const port = candidatePort(relayCandidates[0] as string);
    expect(port).toBeGreaterThanOrEqual(47120);
    expect(port).toBeLessThanOrEqual(47121);
    // One port for everything: UDP host and passive TCP on the same number (ICE-lite: no active TCP).
    for (const c of relayCandidates) {
      expect(c).toContain(' 127.0.0.1 ');
      expect(candidatePort(c)).toBe(port);
    }
    expect(relayCandidates.some((c) => / tcp .* typ host tcptype passive/.test(c))).toBe(true);
    expect(await portIsFree(port)).toEqual({ udp: false, tcp: false });

    await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(25);
    // Never more back than sent: 1:1, same payload sizes.
    expect(peer.echoedPackets).toBeLessThanOrEqual(peer.sentPackets);
    expect(peer.echoedBytes / peer.echoedPackets).toBe(80);

    const binary = Buffer.from([0, 1, 2, 255]);
    peer.dc.send('{"seq":1,"t":123.5}');
    peer.dc.send(binary);
    await expect.poll(() => peer.dcEchoes.length, { timeout: 3000 }).toBe(2);
    expect(peer.dcEchoes).toContainEqual('{"seq":1,"t":123.5}');
    expect(peer.dcEchoes).toContainEqual(binary);

    // What the relay received, for the client's uplink loss: the RTP by its sequence numbers, the two probes.
    sig.send({ type: 'media-counts' });
    const counts = await sig.next('media-counts');
    expect(counts.probes).toEqual({ received: 2 });
    expect(counts.rtp.received).toBeGreaterThanOrEqual(25);
    expect(counts.rtp.received).toBeLessThanOrEqual(counts.rtp.expected);
    expect(counts.rtp.expected).toBeLessThanOrEqual(peer.sentPackets);
    // Loopback loses nothing the kernel does not drop under load: the span and the count agree within 5 %.
    expect(counts.rtp.expected - counts.rtp.received).toBeLessThanOrEqual(counts.rtp.expected * 0.05);
    expect(counts.perSecond).toBeUndefined();

    // Asked for them, the same counts second by second, and what the relay echoed in each.
    sig.send({ type: 'media-counts', perSecond: true });
    const answers = () => sig.messages.filter((m) => m.type === 'media-counts');
    await expect.poll(() => answers().length, { timeout: 3000 }).toBe(2);
    const bySecond = answers()[1] as Extract<ServerMessage, { type: 'media-counts' }>;
    const seconds = bySecond.perSecond?.seconds ?? [];
    expect(seconds.length).toBeGreaterThanOrEqual(1);
    const total = (k: 'received' | 'sent') => seconds.reduce((a, s) => a + s[k], 0);
    expect(total('received')).toBe(bySecond.rtp.received + bySecond.probes.received);
    // The audio by itself, and how far its sequence numbers reached by each second's end.
    expect(seconds.reduce((a, s) => a + s.rtp.received, 0)).toBe(bySecond.rtp.received);
    expect(seconds.at(-1)?.rtp.span).toBe(bySecond.rtp.expected);
    expect(total('sent')).toBeGreaterThanOrEqual(25 + 2);
    expect(total('sent')).toBeLessThanOrEqual(total('received'));
    expect(bySecond.perSecond?.startAgoMs).toBeGreaterThanOrEqual((seconds.length - 1) * 1000);
    expect(bySecond.dtls).toBeUndefined();

    // Asked for it, what the relay's DTLS saw: a ClientHello without a cookie and one with it (the answer
    // reached the client), one certificate flight, and the client's key exchange.
    sig.send({ type: 'media-counts', dtls: true });
    await expect.poll(() => answers().length, { timeout: 3000 }).toBe(3);
    const withDtls = answers()[2] as Extract<ServerMessage, { type: 'media-counts' }>;
    // A busy machine may see werift resend a flight (after 0.5 s): the counts are at least these.
    expect(withDtls.dtls).toMatchObject({ cookieReturned: true, clientKeyExchange: true });
    expect(withDtls.dtls?.clientHellos).toBeGreaterThanOrEqual(2);
    expect(withDtls.dtls?.serverFlights).toBeGreaterThanOrEqual(1);

    expect((await relay.healthz()).sessions).toEqual({ active: 1, max: 2 });
    sig.send({ type: 'bye' });
    await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 3000 }).toBe(0);
    expect(await portIsFree(port)).toEqual({ udp: true, tcp: true });
    expect(await sig.next('session-ended')).toEqual({ type: 'session-ended', reason: 'bye' });
    expect(sig.messages.map((m) => m.type)).not.toContain('error');
    expect([...destinations]).toEqual(['127.0.0.1']);
    expect(lookups).toEqual([]);
  });

  it("answers from the offer's profile's media range, leaving out a UDP probe port inside it", async () => {
    const relay = await startTestRelay({
      media: { ports: { first: 47140, last: 47141 }, appPorts: { first: 47142, last: 47143 } },
      // The relay's stand-in for the apps' SRTP port 60000 sits inside the apps' media range.
      probes: { tcp: [], udp: [{ providerPort: 60000, relayPort: 47142 }] },
    });
    cleanup.push(() => relay.stop());
    // Three media ports: the probe port is not one of them.
    expect(await relay.healthz()).toMatchObject({
      mediaPorts: '47140-47141',
      mediaPortsApps: '47142-47143',
      sessions: { active: 0, max: 3 },
    });
    const portFor = async (profile?: ProfileId) => {
      const sig = await signaling(relay);
      await browser(profile ? { profile } : {}).connect(sig);
      const answer = await sig.next('answer');
      return candidatePort((/^a=(candidate:.*)$/m.exec(answer.sdp)?.[1] ?? '').trim());
    };
    // The apps' range less its probe port: one port, whoever asks twice is refused.
    expect(await portFor('mobile-app')).toBe(47143);
    const desk = [await portFor('desk-phone'), await portFor('meetings')].sort();
    expect(desk).toEqual([47140, 47141]);
    const busy = await signaling(relay);
    await browser({ profile: 'desktop-app' }).connect(busy);
    expect(await busy.next('error')).toMatchObject({ code: 'busy' });
    // An offer without a profile (an older extension) gets the desk phones' range: full too.
    const older = await signaling(relay);
    await browser().connect(older);
    expect(await older.next('error')).toMatchObject({ code: 'busy' });
  });

  it('names the provider range its media range stands in for, per profile, when told (--media-stand-in)', async () => {
    const relay = await startTestRelay({
      media: {
        ports: { first: 47190, last: 47190 },
        appPorts: { first: 47191, last: 47191 },
        standsFor: providerMediaRanges(),
      },
    });
    cleanup.push(() => relay.stop());
    const answerFor = async (profile: ProfileId) => {
      const sig = await signaling(relay);
      await browser({ profile }).connect(sig);
      const answer = await sig.next('answer');
      sig.close();
      await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 5000 }).toBe(0);
      return answer;
    };
    const desk = await answerFor('desk-phone');
    expect(desk.sdp).toContain(' 47190 typ host');
    expect(desk.standsFor).toEqual({ from: 40000, to: 49999 });
    const apps = await answerFor('mobile-app');
    expect(apps.sdp).toContain(' 47191 typ host');
    expect(apps.standsFor).toEqual({ from: 60000, to: 64999 });
  });

  it('names no stand-in range when not told to: its ports are their own numbers', async () => {
    const relay = await relayWith(47192, 47192);
    const sig = await signaling(relay);
    await browser().connect(sig);
    expect(await sig.next('answer')).not.toHaveProperty('standsFor');
  });

  it('refuses a second session with busy when the one-port range is in use, and frees it on close', async () => {
    const relay = await relayWith(47130, 47130);
    expect((await relay.healthz()).mediaPorts).toBe('47130-47130');
    const first = await signaling(relay);
    await browser().connect(first);
    await first.next('answer');

    const second = await signaling(relay);
    await browser().connect(second);
    const error = await second.next('error');
    expect(error).toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/^All media ports are in use; retry in \d+ s$/),
    });
    expect(error.retryAfterS).toBeGreaterThanOrEqual(1);
    expect((await second.closed).code).toBe(1013);

    // The first client leaves without a bye: closing its WebSocket frees the port for the next one.
    first.close();
    await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 3000 }).toBe(0);
    const third = await signaling(relay);
    await browser().connect(third);
    expect((await third.next('answer')).sdp).toContain(' 47130 typ host');
  });

  it('skips a media port another process holds and answers on the next one', async () => {
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(47160, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const relay = await relayWith(47160, 47161);
    const sig = await signaling(relay);
    await browser().connect(sig);
    expect((await sig.next('answer')).sdp).toContain(' 47161 typ host');
  });

  it('connects over the passive ICE-TCP listener, on the same port, when UDP is not an option', async () => {
    const relay = await relayWith(47140, 47140);
    const sig = await signaling(relay);
    const peer = browser({ tcpOnly: true });
    await peer.connect(sig);
    peer.startRtp();
    const answer = await sig.next('answer');
    expect(answer.sdp).toMatch(/ tcp \d+ 127\.0\.0\.1 47140 typ host tcptype passive/);
    expect(answer.sdp).toMatch(/ udp \d+ 127\.0\.0\.1 47140 typ host/);
    await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(10);
    expect(peer.nominatedProtocol()).toBe('tcp');
  });

  it('ends a session that never connects after the setup timeout, and frees its port', async () => {
    const relay = await relayWith(47150, 47150, { setupTimeoutMs: 600 });
    const sig = await signaling(relay);
    await browser({ ignoreAnswer: true }).connect(sig);
    await sig.next('answer');
    expect(await sig.next('session-ended', 3000)).toEqual({ type: 'session-ended', reason: 'setup-timeout' });
    await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 3000 }).toBe(0);
    expect(await portIsFree(47150)).toEqual({ udp: true, tcp: true });
  });

  it('on relay shutdown tells the client, closes 1001 and frees the port before close() resolves', async () => {
    const relay = await startTestRelay({ media: { ports: { first: 47160, last: 47160 } } });
    const sig = await signaling(relay);
    await browser().connect(sig);
    await sig.next('answer');
    await relay.stop();
    expect(await sig.next('session-ended')).toEqual({ type: 'session-ended', reason: 'shutdown' });
    expect((await sig.closed).code).toBe(1001);
    expect(await portIsFree(47160)).toEqual({ udp: true, tcp: true });
  });
});
