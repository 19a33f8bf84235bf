/**
 * The relay's limits over real sockets, in process: a table of bad inputs (each with the error it must get),
 * WebSocket fragment floods, the idle timeout and the heartbeat, per-address session caps, draining before a
 * stop (/readyz), and what /metrics shows (never an address). Loopback only, with small counts.
 */
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_UPLOAD_BYTES } from '../../../src/protocol/share.ts';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { CONNECTIONS_PER_SESSION, WS_MAX_BUFFERED_CHUNKS, WS_MAX_FRAGMENTS } from '../../../src/relay/wss.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { BrowserPeer } from '../../helpers/werift-browser.ts';
import { call, upload } from './https-call.ts';

const MEDIA = { ports: { first: 47300, last: 47309 }, maxSessions: 10 };
const ROOMY = { sessionsPerAddress: 50, sessionStartsPerMinute: 1000 };

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function openWs(
  relay: TestRelay,
  opts: { autoPong?: boolean } = {},
): Promise<{
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}> {
  const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/ws`, { ca: relay.tls.cert, ...opts });
  const messages: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  cleanup.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('error', reject);
  });
}

async function session(relay: TestRelay, mode: 'quick' | 'extended' = 'extended') {
  const sig = await SignalingClient.open(relay);
  const peer = new BrowserPeer({ mode });
  cleanup.push(
    () => sig.close(),
    () => peer.close(),
  );
  await peer.connect(sig);
  return { sig, peer };
}

const hostCandidate = (i: number) => `a=candidate:${i} 1 udp 1 192.0.2.${i % 250} ${1000 + i} typ host`;
const sdpWithCandidates = (n: number) =>
  [
    'v=0',
    's=-',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...Array.from({ length: n }, (_, i) => hostCandidate(i)),
    '',
  ].join('\r\n');

describe('bad inputs', () => {
  const TOKENS = parseSupportTokens('alice:alice-token-0123456789');
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      media: MEDIA,
      limits: ROOMY,
      share: { supportTokens: TOKENS, uploadsPerMinute: 1000, signInsPerMinute: 1000 },
    });
  });
  afterAll(() => relay.stop());

  it.each([
    ['malformed JSON', '{"type":', 'bad-json', 1008],
    ['an unknown message type', JSON.stringify({ type: 'dance' }), 'bad-message', 1008],
    ['an offer without its sdp', JSON.stringify({ type: 'offer', mode: 'quick' }), 'bad-message', 1008],
    ['a ping with a string seq', JSON.stringify({ type: 'ping', seq: '1', t: 0 }), 'bad-message', 1008],
    ['an extra field', JSON.stringify({ type: 'bye', please: true }), 'bad-message', 1008],
    [
      'a candidate before any offer',
      JSON.stringify({ type: 'candidate', candidate: null }),
      'bad-state',
      1008,
    ],
    [
      'an SDP with 300 candidates',
      JSON.stringify({ type: 'offer', mode: 'quick', sdp: sdpWithCandidates(300) }),
      'too-many-candidates',
      1008,
    ],
    [
      'an SDP over 16 KiB',
      JSON.stringify({ type: 'offer', mode: 'quick', sdp: `v=0\r\n${'a=x\r\n'.repeat(4000)}` }),
      'bad-message',
      1008,
    ],
  ])('WSS: %s gets error %s and close %i', async (_name, text, code, closeCode) => {
    const { ws, messages, closed } = await openWs(relay);
    ws.send(text);
    expect((await closed).code).toBe(closeCode);
    expect(messages[1]).toMatchObject({ type: 'error', code });
  });

  it('WSS: a binary frame gets bad-message and 1003; a message over 64 KiB is cut off with 1009', async () => {
    const bin = await openWs(relay);
    bin.ws.send(Buffer.from([1, 2, 3]));
    expect((await bin.closed).code).toBe(1003);
    expect(bin.messages[1]).toMatchObject({ type: 'error', code: 'bad-message' });
    const big = await openWs(relay);
    big.ws.send(JSON.stringify({ type: 'ping', seq: 1, t: 1, pad: 'x'.repeat(70 * 1024) }));
    expect((await big.closed).code).toBe(1009);
  });

  it(`WSS: a message in more than ${WS_MAX_FRAGMENTS} fragments is refused with 1008`, async () => {
    const { ws, closed } = await openWs(relay);
    for (let i = 0; i < 100 && ws.readyState === WebSocket.OPEN; i++) ws.send('x', { fin: false });
    expect((await closed).code).toBe(1008);
  });

  it(`WSS: a frame trickled in more than ${WS_MAX_BUFFERED_CHUNKS} tiny chunks is refused with 1008`, async () => {
    // A raw TLS socket, so each byte goes out as its own TLS record and reaches ws as its own chunk.
    const socket = tlsConnect({ host: '127.0.0.1', port: relay.port, ca: relay.tls.cert });
    cleanup.push(() => socket.destroy());
    // The relay closes the socket mid-trickle (that is what is tested): a byte written after that fails
    // with EPIPE or ECONNRESET, which is expected here, not an error of the test.
    socket.on('error', () => {});
    await new Promise<void>((r) => socket.once('secureConnect', () => r()));
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await expect.poll(() => Buffer.concat(received).toString('latin1')).toContain('101 Switching Protocols');
    // FIN + text, masked, 16-bit length 1000, mask key zero: then the payload one byte at a time.
    socket.write(Buffer.from([0x81, 0x80 | 126, 0x03, 0xe8, 0, 0, 0, 0]));
    for (let i = 0; i < 200 && !socket.destroyed; i++) {
      socket.write('x');
      await new Promise((r) => setImmediate(r));
    }
    await ended;
    const all = Buffer.concat(received);
    // The relay's close frame: 0x88, length, then the status code 1008.
    const close = all.indexOf(Buffer.from([0x88]), all.indexOf('\r\n\r\n'));
    expect(close).toBeGreaterThan(0);
    expect(all.readUInt16BE(close + 2)).toBe(1008);
  });

  it.each([
    ['malformed JSON', '{"report":', 400, 'bad-json'],
    ['not the report schema', { report: { schemaVersion: 1 }, redaction: 'default' }, 400, 'bad-report'],
    ['over the size cap', 'x'.repeat(MAX_UPLOAD_BYTES + 1), 413, 'too-big'],
  ])('upload: %s gets %i %s', async (_name, body, status, error) => {
    const r = await upload(relay, body);
    expect(r.status).toBe(status);
    expect(r.json()).toMatchObject({ error });
  });

  it('console: a wrong token gets 401, by form and as a bearer token', async () => {
    const form = await call(relay, '/console/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: 'alice', token: 'wrong-token-0123456789' }).toString(),
    });
    expect(form.status).toBe(401);
    const bearer = await call(relay, '/console/api/reports/ABCDEFGH', {
      headers: { Authorization: 'Bearer alice:wrong-token-0123456789' },
    });
    expect(bearer.status).toBe(401);
    expect(bearer.json()).toMatchObject({ error: 'bad-token' });
  });

  it('counted every refusal by reason in /metrics, with no address in any label', async () => {
    const text = await relay.metrics();
    for (const reason of [
      'bad-json',
      'bad-message',
      'bad-state',
      'too-many-candidates',
      'too-big',
      'too-many-parts',
    ]) {
      expect(text).toMatch(new RegExp(`^svc_relay_ws_rejected_total\\{reason="${reason}"\\} [1-9]`, 'm'));
    }
    expect(text).toMatch(/^svc_relay_uploads_total\{status="413"\} 1$/m);
    expect(text).toMatch(/^svc_relay_uploads_total\{status="400"\} 2$/m);
    expect(text).not.toMatch(/\d+\.\d+\.\d+\.\d+|::1|127\.0\.0\.1/);
    const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
    for (const name of labelNames) expect(['reason', 'status', 'scope', 'le']).toContain(name);
    // The relay is still serving after all that.
    expect((await relay.get('/healthz')).status).toBe(200);
  });
});

/** Sends a signaling ping and waits for its pong: the relay has read everything this client sent before it. */
async function roundTrip(c: Awaited<ReturnType<typeof openWs>>, seq: number): Promise<void> {
  c.ws.send(JSON.stringify({ type: 'ping', seq, t: 0 }));
  await expect.poll(() => c.messages.some((m) => m.type === 'pong' && m.seq === seq)).toBe(true);
}

// The heartbeat timer never fires on its own in these tests (an hour): the tests beat by hand, so a loaded
// machine that stretches timers cannot end a healthy connection or spare a dead one.
const NO_AUTO_HEARTBEAT = 3_600_000;

describe('idle timeout', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      media: MEDIA,
      limits: { ...ROOMY, idleTimeoutMs: 400, heartbeatMs: NO_AUTO_HEARTBEAT },
    });
  });
  afterAll(() => relay.stop());

  it('closes a connection that starts nothing with 4000 idle, and keeps one that asked for probes', async () => {
    // The busy one opens first and its probe-start is read before the idle one opens, so its own idle
    // deadline has passed by the time the idle one is closed.
    const busy = await openWs(relay);
    busy.ws.send(JSON.stringify({ type: 'probe-start' }));
    await expect.poll(() => busy.messages[1]?.type).toBe('probe-session');
    const idle = await openWs(relay);
    expect(await idle.closed).toEqual({ code: 4000, reason: 'idle' });
    expect(idle.messages[1]).toMatchObject({ type: 'error', code: 'idle' });
    expect(await relay.metrics()).toMatch(/^svc_relay_ws_rejected_total\{reason="idle"\} 1$/m);
    // Still served, past its own idle deadline.
    await roundTrip(busy, 1);
    expect(busy.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('heartbeat', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ media: MEDIA, limits: { ...ROOMY, heartbeatMs: NO_AUTO_HEARTBEAT } });
  });
  afterAll(() => relay.stop());

  it('terminates a connection that did not answer the previous ping, and tears down its session', async () => {
    const healthy = await openWs(relay);
    healthy.ws.send(JSON.stringify({ type: 'probe-start' }));
    const sig = await SignalingClient.open(relay);
    const peer = new BrowserPeer({ mode: 'extended' });
    cleanup.push(
      () => sig.close(),
      () => peer.close(),
    );
    await peer.connect(sig);
    await sig.next('answer');
    await expect.poll(async () => (await relay.healthz()).sessions.active).toBe(1);
    // A cable pull, as far as the relay can tell: the client stops answering pings.
    (sig.ws as unknown as { _autoPong: boolean })._autoPong = false;
    const pinged = new Promise((r) => healthy.ws.once('ping', r));
    relay.heartbeat();
    // The healthy client's pong went out before this round trip, so the relay has read it.
    await pinged;
    await roundTrip(healthy, 1);
    expect(sig.ws.readyState).toBe(WebSocket.OPEN);
    relay.heartbeat();
    const { code } = await sig.closed;
    expect(code).toBe(1006);
    await expect.poll(async () => (await relay.healthz()).sessions.active).toBe(0);
    await roundTrip(healthy, 2);
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    expect(await relay.metrics()).toMatch(/^svc_relay_ws_rejected_total\{reason="heartbeat"\} 1$/m);
  });
});

describe('per-address session caps', () => {
  it('refuses a second session at once with rate-limited/1013, and the third start in a minute with 1008', async () => {
    const relay = await startTestRelay({
      media: MEDIA,
      limits: { sessionsPerAddress: 1, sessionStartsPerMinute: 2 },
    });
    cleanup.push(() => relay.stop());
    const first = await session(relay);
    await first.sig.next('answer');

    const second = await session(relay);
    const refused = await second.sig.next('error');
    expect(refused).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/at once/) });
    expect(refused.retryAfterS).toBeGreaterThanOrEqual(1);
    expect((await second.sig.closed).code).toBe(1013);

    first.sig.close();
    await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 4000 }).toBe(0);
    const third = await session(relay);
    await third.sig.next('answer');
    third.sig.send({ type: 'bye' });
    await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 4000 }).toBe(0);

    const fourth = await session(relay);
    const limited = await fourth.sig.next('error');
    expect(limited).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/last minute/) });
    expect(limited.retryAfterS).toBeGreaterThanOrEqual(20);
    expect((await fourth.sig.closed).code).toBe(1008);

    const text = await relay.metrics();
    expect(text).toMatch(/^svc_relay_session_refusals_total\{reason="address-concurrent"\} 1$/m);
    expect(text).toMatch(/^svc_relay_session_refusals_total\{reason="address-starts"\} 1$/m);
    expect(text).toMatch(/^svc_relay_sessions_started_total 2$/m);
  });
});

describe('per-address connection cap', () => {
  it(`answers the WebSocket upgrade with 429 past ${CONNECTIONS_PER_SESSION} connections per session an address may hold`, async () => {
    const relay = await startTestRelay({ media: MEDIA, limits: { sessionsPerAddress: 1 } });
    cleanup.push(() => relay.stop());
    const held = [];
    for (let i = 0; i < CONNECTIONS_PER_SESSION; i++) held.push(await openWs(relay));
    await expect(openWs(relay)).rejects.toThrow(/429/);
    held[0]?.ws.close();
    await held[0]?.closed;
    await expect
      .poll(
        async () =>
          await openWs(relay).then(
            () => 'open',
            (e: Error) => e.message,
          ),
      )
      .toBe('open');
    expect(await relay.metrics()).toMatch(
      /^svc_relay_ws_rejected_total\{reason="address-connections"\} [1-9]/m,
    );
  });
});

describe('draining before a stop', () => {
  it('answers /readyz 503, refuses upgrades and new sessions, lets a running one echo, then ends it with shutdown', async () => {
    const relay = await startTestRelay({ media: MEDIA, limits: ROOMY });
    cleanup.push(() => relay.stop());
    expect(await relay.get('/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
    const running = await session(relay);
    running.peer.startRtp();
    await expect.poll(() => running.peer.echoedPackets, { timeout: 8000 }).toBeGreaterThan(5);
    const waiting = await openWs(relay);

    const t0 = performance.now();
    const closed = relay.beginClose(1500);
    expect(await running.sig.next('draining')).toEqual({ type: 'draining', graceMs: 1500 });
    expect(await relay.get('/readyz')).toMatchObject({ status: 503, body: '{"status":"draining"}' });
    expect((await relay.get('/healthz')).status).toBe(200);
    await expect(openWs(relay)).rejects.toThrow(/503/);
    waiting.ws.send(JSON.stringify({ type: 'offer', sdp: 'v=0', mode: 'quick' }));
    expect(await waiting.closed).toEqual({ code: 1001, reason: 'shutting-down' });
    expect(waiting.messages[1]).toMatchObject({ type: 'error', code: 'shutting-down' });

    // Still echoing while it drains.
    const before = running.peer.echoedPackets;
    await expect.poll(() => running.peer.echoedPackets, { timeout: 1000 }).toBeGreaterThan(before + 5);
    expect(await running.sig.next('session-ended', 4000)).toEqual({
      type: 'session-ended',
      reason: 'shutdown',
    });
    expect((await running.sig.closed).code).toBe(1001);
    await closed;
    // The session was given its grace period, not cut short (a timer never fires early).
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1400);
  });

  it('stops as soon as the last session has ended, well before the grace period', async () => {
    const relay = await startTestRelay({ media: MEDIA, limits: ROOMY });
    cleanup.push(() => relay.stop());
    const running = await session(relay);
    await running.sig.next('answer');
    // A grace period far beyond the test's own limit: the relay that waited it out would fail the test.
    const closed = relay.beginClose(10 * 60_000);
    await running.sig.next('draining');
    running.sig.send({ type: 'bye' });
    // Stopped: nothing left to wait for.
    await expect(closed).resolves.toBeUndefined();
  });
});
