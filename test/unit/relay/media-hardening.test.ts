/**
 * The media port against a hostile network, in process over loopback: STUN without this session's
 * credentials and DTLS from a stranger get nothing back, the relay sends nothing to addresses a client only
 * names, a flood ends the session as rate-limited, echo never exceeds what was sent, and an error in one
 * session's code tears down that session alone.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RTCDataChannel } from 'werift';
import { currentSessionScope } from '../../../src/relay/session-scope.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { sendingPeer } from '../../helpers/sending-peer.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { BrowserPeer } from '../../helpers/werift-browser.ts';
import { decodeResponse, iceCheck } from './stun-requests.ts';

const MEDIA = { ports: { first: 47320, last: 47329 }, maxSessions: 10 };
const LIMITS = { sessionsPerAddress: 50, sessionStartsPerMinute: 1000 };

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function relay(): Promise<TestRelay> {
  const r = await startTestRelay({ media: MEDIA, limits: LIMITS });
  cleanup.push(() => r.stop());
  return r;
}

async function echoingSession(r: TestRelay) {
  const { sig, peer, answer } = await sendingPeer(r, cleanup, { mode: 'extended' });
  await expect.poll(() => peer.echoedPackets, CERTAIN).toBeGreaterThan(3);
  const ufrag = /^a=ice-ufrag:(.+)$/m.exec(answer)?.[1]?.trim() as string;
  const pwd = /^a=ice-pwd:(.+)$/m.exec(answer)?.[1]?.trim() as string;
  const port = Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer)?.[1]);
  return { sig, peer, ufrag, pwd, port };
}

async function udpSocket(): Promise<{ socket: UdpSocket; received: Buffer[]; port: number }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  return { socket, received, port: socket.address().port };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long to wait for what is certain to come (a session set up, an answer, echoes, an ended session): these
 * sessions are real WebRTC in this process, and on two cores shared with a dozen test processes one takes
 * seconds, not the tens of milliseconds it takes alone. Waiting longer cannot make a wrong relay pass.
 */
const CERTAIN = { timeout: 30_000 };

// Each test sets up to four sessions, each waited on for up to CERTAIN.timeout.
describe('media port hardening', { timeout: 180_000 }, () => {
  it('answers STUN only with this session’s credentials, ignores a stranger’s DTLS, and keeps echoing', async () => {
    const r = await relay();
    const s = await echoingSession(r);
    const stranger = await udpSocket();
    const send = (bytes: Uint8Array) => stranger.socket.send(bytes, s.port, '127.0.0.1');
    send(iceCheck({ username: null, password: null }));
    send(iceCheck({ username: `${s.ufrag}:x`, password: null }));
    send(iceCheck({ username: 'Guessed1:x', password: s.pwd }));
    send(iceCheck({ username: `${s.ufrag}:x`, password: 'WrongPasswordWrongPass12' }));
    // An Allocate request: werift would answer it with a 400 error larger than the request.
    send(iceCheck({ username: `${s.ufrag}:x`, password: s.pwd, method: 0x003 }));
    // A DTLS ClientHello-shaped record, and an RTP-shaped packet.
    send(Buffer.concat([Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 1]), Buffer.alloc(40)]));
    send(Buffer.concat([Buffer.from([0x80, 111, 0, 1]), Buffer.alloc(100)]));
    await sleep(500);
    expect(stranger.received).toEqual([]);

    // With the credentials from the answer, it is a connectivity check like the browser's: answered, with
    // nothing but XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT, and no larger than the check.
    const check = iceCheck({ username: `${s.ufrag}:x`, password: s.pwd });
    send(check);
    await expect.poll(() => stranger.received.length, CERTAIN).toBeGreaterThan(0);
    const answer = stranger.received[0] as Buffer;
    expect(answer.length).toBeLessThanOrEqual(check.length);
    expect(decodeResponse(answer, s.pwd)).toMatchObject({
      type: 0x0101,
      attributes: ['XOR-MAPPED-ADDRESS', 'MESSAGE-INTEGRITY', 'FINGERPRINT'],
      mapped: ['127.0.0.1', stranger.port],
    });

    const before = s.peer.echoedPackets;
    await expect.poll(() => s.peer.echoedPackets, CERTAIN).toBeGreaterThan(before + 10);
    const text = await r.metrics();
    for (const reason of [
      'stun-no-credentials',
      'stun-bad-ufrag',
      'stun-bad-integrity',
      'stun-not-binding',
    ]) {
      expect(text).toMatch(new RegExp(`^svc_relay_media_dropped_total\\{reason="${reason}"\\} [1-9]`, 'm'));
    }
    expect(text).toMatch(/^svc_relay_media_dropped_total\{reason="unknown-source"\} [2-9]/m);
  });

  it('never sends to, nor connects to, addresses the client only names in its candidates', async () => {
    const r = await relay();
    const decoy = await udpSocket();
    const tcpHits: string[] = [];
    const decoyTcp: Server = createServer((sock) => {
      tcpHits.push('connection');
      sock.destroy();
    });
    await new Promise<void>((res) => decoyTcp.listen(0, '127.0.0.1', () => res()));
    cleanup.push(() => new Promise<void>((res) => decoyTcp.close(() => res())));
    const tcpPort = (decoyTcp.address() as { port: number }).port;

    const sig = await SignalingClient.open(r);
    const peer = new BrowserPeer({ mode: 'extended' });
    cleanup.push(
      () => sig.close(),
      () => peer.close(),
    );
    await peer.connect(sig);
    // Highest-priority candidates, which werift would check first if it were given them.
    for (const candidate of [
      `candidate:90 1 udp 2130706431 127.0.0.1 ${decoy.port} typ host`,
      `candidate:91 1 tcp 2130706430 127.0.0.1 ${tcpPort} typ host tcptype passive`,
    ]) {
      sig.send({ type: 'candidate', candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 } });
    }
    peer.startRtp();
    await expect.poll(() => peer.echoedPackets, CERTAIN).toBeGreaterThan(10);
    await sleep(1500);
    expect(decoy.received).toEqual([]);
    expect(tcpHits).toEqual([]);
  });

  it('ends a session that floods past its bitrate cap as rate-limited, while another keeps echoing', async () => {
    const r = await relay();
    const calm = await echoingSession(r);
    const flood = await echoingSession(r);
    flood.peer.stopRtp();
    // ~9 Mbit/s: three 1100-byte packets every millisecond or so.
    flood.peer.startRtp({ payloadBytes: 1100, intervalMs: 1, perTick: 3 });
    expect(await flood.sig.next('session-ended', CERTAIN.timeout)).toEqual({
      type: 'session-ended',
      reason: 'rate-limited',
    });
    flood.peer.stopRtp();
    // Echo is one out per one in, so never more than was sent; past the cap nothing more is echoed.
    expect(flood.peer.echoedBytes).toBeLessThanOrEqual(flood.peer.sentBytes);
    const before = calm.peer.echoedPackets;
    await expect.poll(() => calm.peer.echoedPackets, CERTAIN).toBeGreaterThan(before + 20);
    expect(calm.peer.echoedPackets).toBeLessThanOrEqual(calm.peer.sentPackets);
    const text = await r.metrics();
    expect(text).toMatch(/^svc_relay_sessions_ended_total\{reason="rate-limited"\} 1$/m);
    expect(text).toMatch(/^svc_relay_media_dropped_total\{reason="over-bitrate"\} [1-9]/m);
  });

  it('tears down only the session whose code threw, counts it, and keeps serving', async () => {
    const r = await relay();
    const original = RTCDataChannel.prototype.send;
    // Faults injected into the relay's side only: its sessions' code runs in a session scope, the test
    // peers' does not.
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: Buffer | string) {
      if (currentSessionScope() && data === 'throw') throw new Error('injected handler fault');
      if (currentSessionScope() && data === 'escape') {
        // What the process's uncaughtException handler does with an error that escaped werift.
        r.handleUncaught(new Error('injected escaped fault'), 'uncaughtException');
        return;
      }
      return original.call(this, data);
    };
    cleanup.push(() => {
      RTCDataChannel.prototype.send = original;
    });
    const a = await echoingSession(r);
    const b = await echoingSession(r);
    const c = await echoingSession(r);
    await expect.poll(() => a.peer.dc.readyState, CERTAIN).toBe('open');
    await expect.poll(() => b.peer.dc.readyState, CERTAIN).toBe('open');
    a.peer.dc.send('throw');
    expect(await a.sig.next('session-ended', CERTAIN.timeout)).toEqual({
      type: 'session-ended',
      reason: 'error',
    });
    b.peer.dc.send('escape');
    expect(await b.sig.next('session-ended', CERTAIN.timeout)).toEqual({
      type: 'session-ended',
      reason: 'error',
    });

    const before = c.peer.echoedPackets;
    await expect.poll(() => c.peer.echoedPackets, CERTAIN).toBeGreaterThan(before + 10);
    expect(c.sig.messages.map((m) => m.type)).not.toContain('session-ended');
    expect(await r.metrics()).toMatch(/^svc_relay_errors_caught_total\{scope="session"\} 2$/m);
    // And a new session still works.
    await echoingSession(r);
  });
});
