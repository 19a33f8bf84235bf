/**
 * "Never more out than in" on the media port, with forged sources: an attacker holds a real session (it has
 * the answer's ufrag and password) and sends authenticated checks, with USE-CANDIDATE, from addresses that
 * are not its own. On loopback, each forged address is a socket of the test's that sends the datagrams the
 * attacker would forge with its address and never answers: it counts what the relay sends it. Whatever the
 * relay's DTLS role, no such address may receive more bytes than were sent from it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { FIRST_FLIGHT_BYTES } from '../../../src/relay/core/media-guard.ts';
import { DEFAULT_SESSION_LIMITS } from '../../../src/relay/wss.ts';
import { craftedOffer } from '../../helpers/crafted-sdp.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { iceCheck } from './stun-requests.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Victim {
  socket: Socket;
  sentBytes: number;
  receivedBytes: number;
  received: Buffer[];
  send(bytes: Buffer, port: number): void;
}

async function victim(): Promise<Victim> {
  const socket = createSocket('udp4');
  const v: Victim = {
    socket,
    sentBytes: 0,
    receivedBytes: 0,
    received: [],
    send(bytes, port) {
      v.sentBytes += bytes.length;
      socket.send(bytes, port, '127.0.0.1');
    },
  };
  socket.on('message', (m) => {
    v.receivedBytes += m.length;
    v.received.push(m);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  return v;
}

/**
 * A DTLS 1.2 ClientHello werift's server accepts (ECDHE-ECDSA-AES128-GCM, P-256, use_srtp, extended master
 * secret), with an empty cookie: the first flight a DTLS client sends.
 */
function clientHello(): Buffer {
  const ext = (type: number, body: number[]) => [
    type >> 8,
    type & 0xff,
    body.length >> 8,
    body.length & 0xff,
    ...body,
  ];
  const extensions = [
    ...ext(10, [0, 2, 0, 23]), // supported_groups: secp256r1
    ...ext(11, [1, 0]), // ec_point_formats: uncompressed
    ...ext(13, [0, 2, 4, 3]), // signature_algorithms: ecdsa_secp256r1_sha256
    ...ext(14, [0, 2, 0, 1, 0]), // use_srtp: SRTP_AES128_CM_HMAC_SHA1_80, no MKI
    ...ext(23, []), // extended_master_secret
  ];
  const body = [
    0xfe,
    0xfd, // DTLS 1.2
    ...Array.from({ length: 32 }, (_, i) => i), // random
    0, // session id
    0, // cookie
    0,
    2,
    0xc0,
    0x2b, // cipher suites
    1,
    0, // compression: null
    extensions.length >> 8,
    extensions.length & 0xff,
    ...extensions,
  ];
  const len3 = (n: number) => [0, n >> 8, n & 0xff];
  const handshake = [1, ...len3(body.length), 0, 0, ...len3(0), ...len3(body.length), ...body];
  const record = [22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, handshake.length >> 8, handshake.length & 0xff];
  return Buffer.from([...record, ...handshake]);
}

async function attackerSession(r: TestRelay, setup: 'actpass' | 'passive') {
  const sig = await SignalingClient.open(r);
  cleanup.push(() => sig.close());
  sig.send({ type: 'offer', sdp: craftedOffer({ setup, dataChannel: true }), mode: 'extended' });
  const answer = await sig.next('answer');
  const ufrag = /^a=ice-ufrag:(\S+)/m.exec(answer.sdp)?.[1] as string;
  const pwd = /^a=ice-pwd:(\S+)/m.exec(answer.sdp)?.[1] as string;
  const port = Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer.sdp)?.[1]);
  return {
    sig,
    answer: answer.sdp,
    port,
    check: () => iceCheck({ username: `${ufrag}:Ab12`, password: pwd }),
  };
}

describe('media port: never more out than in towards a forged source', () => {
  it('as DTLS server (offer actpass): 16 forged sources each get no more than they sent', async () => {
    const r = await startTestRelay({ media: { ports: { first: 47600, last: 47609 } } });
    cleanup.push(() => r.stop());
    const s = await attackerSession(r, 'actpass');
    expect(s.answer).toMatch(/^a=setup:passive\r$/m);
    expect(s.answer).toMatch(/^a=ice-lite\r$/m);

    // 16 forged sources, the most one session authenticates: each sends one check that nominates it, and a
    // ClientHello, as an attacker would to make the relay start DTLS towards it.
    const victims = await Promise.all(Array.from({ length: 16 }, () => victim()));
    for (const v of victims) v.send(s.check(), s.port);
    await sleep(200);
    for (const v of victims) v.send(clientHello(), s.port);
    // werift as a full ICE agent would have retransmitted its checks to each for seconds.
    await sleep(3500);

    for (const v of victims) expect(v.receivedBytes).toBeLessThanOrEqual(v.sentBytes);
    // Each check was answered (no larger than the check): the forged sources were heard, and no more.
    expect(victims.every((v) => v.received.length >= 1)).toBe(true);
    // The HelloVerifyRequests for the 16 ClientHellos all go to the one nominated address: held back there
    // once they pass what it sent, and counted.
    expect(await r.metrics()).toMatch(/^svc_relay_media_dropped_total\{reason="egress-unproven"\} [1-9]/m);
  });

  it('as DTLS client (offer passive): only the nominated source gets one ClientHello, never repeated', async () => {
    const r = await startTestRelay({ media: { ports: { first: 47610, last: 47619 } } });
    cleanup.push(() => r.stop());
    const s = await attackerSession(r, 'passive');
    expect(s.answer).toMatch(/^a=setup:active\r$/m);

    const victims = await Promise.all(Array.from({ length: 16 }, () => victim()));
    for (const v of victims) v.send(s.check(), s.port);
    // werift's DTLS client retransmits its ClientHello for seconds when nothing answers.
    await sleep(3500);

    const dtls = victims.map((v) => v.received.filter((m) => m[0] === 22));
    // The first check nominated its source: it alone gets the relay's one unproven ClientHello, once.
    expect(dtls.map((d) => d.length)).toEqual([1, ...Array(15).fill(0)]);
    const [first, ...rest] = victims as [Victim, ...Victim[]];
    expect(first.receivedBytes).toBeLessThanOrEqual(first.sentBytes + FIRST_FLIGHT_BYTES);
    for (const v of rest) expect(v.receivedBytes).toBeLessThanOrEqual(v.sentBytes);
  });

  it('verifies and answers forged sources’ checks only within the session’s check rate', async () => {
    const r = await startTestRelay({ media: { ports: { first: 47620, last: 47629 } } });
    cleanup.push(() => r.stop());
    const s = await attackerSession(r, 'actpass');
    const { perSession } = DEFAULT_SESSION_LIMITS.unprovenChecks;

    // 16 forged sources, 40 checks each, in rounds of one check per source (the relay reads each round
    // before the next, so none is lost in a socket buffer): 640 checks, about 60 KB, under the bitrate cap.
    const victims = await Promise.all(Array.from({ length: 16 }, () => victim()));
    for (let k = 0; k < 40; k++) {
      for (const v of victims) v.send(s.check(), s.port);
      await sleep(5);
    }
    const dropped = async () => {
      const m = /^svc_relay_media_dropped_total\{reason="check-rate-session"\} (\d+)$/m.exec(
        await r.metrics(),
      );
      return Number(m?.[1] ?? 0);
    };
    // Count STUN Binding success responses only: once a check nominates its source, the relay's DTLS client
    // also sends that source its ClientHello (and retransmits it while a loaded machine is slow), which is
    // not an answer to a check.
    const isCheckAnswer = (m: Buffer) => m.length >= 20 && m[0] === 0x01 && m[1] === 0x01;
    const answered = () => victims.reduce((n, v) => n + v.received.filter(isCheckAnswer).length, 0);
    // Every check is either answered or dropped unverified, however long the loaded machine takes.
    await expect.poll(async () => answered() + (await dropped()), { timeout: 20_000 }).toBe(640);

    // Without the limit all 640 are verified and answered. With it: the session's one-second burst (50) and
    // what refills while the checks come in; half of them would take over 5 s of sending.
    expect(answered()).toBeGreaterThanOrEqual(perSession);
    expect(answered()).toBeLessThanOrEqual(320);
    for (const v of victims) expect(v.receivedBytes).toBeLessThanOrEqual(v.sentBytes);
  }, 30_000);
});
