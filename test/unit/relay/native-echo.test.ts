/**
 * The native echo (media/native/) through a real relay session: a werift peer in the browser's part, the
 * in-process relay with echo path 'native' and the add-on compiled for this test, real DTLS-SRTP
 * (AEAD_AES_128_GCM, which werift negotiates) over loopback, with the add-on reading in its echo thread and
 * in the main loop; and the add-on alone letting go of a socket while audio arrives (below).
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/protocol/relay-messages.ts';
import { chooseEcho, withThread } from '../../../src/relay/media/native/choose-echo.ts';
import { loadNativeEcho, type NativeHandle } from '../../../src/relay/media/native/native-echo.ts';
import { udpHandleOf } from '../../../src/relay/media/native/udp-handle.ts';
import { srtpContext } from '../../../src/relay/media/srtp.ts';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import {
  byeLetsGo,
  dropped,
  forgedSrtp,
  nativeSessions,
  peerSocket,
  strangerIsDropped,
  useNativeEcho,
  type WatchedEcho,
} from '../../helpers/native-echo.ts';
import { sendingPeer } from '../../helpers/sending-peer.ts';

const native = useNativeEcho();
const { cleanup } = native;

async function relayOn(port: number, thread: boolean): Promise<TestRelay> {
  const relay = await startTestRelay({
    media: {
      ports: { first: port, last: port },
      echoPath: 'native',
      nativeEcho: withThread(native.watched.echo, thread),
    },
  });
  cleanup.push(() => relay.stop());
  return relay;
}

async function session(relay: TestRelay) {
  const { sig, peer, answer } = await sendingPeer(relay, cleanup);
  const port = Number(/^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host/im.exec(answer)?.[1]);
  return { sig, peer, port };
}

/**
 * Echoes of packets sent just before the count was taken may still be on their way back (a couple at 50
 * packets a second on loopback); an echoed forgery would show on top of them.
 */
const IN_FLIGHT = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The add-on's two ways of reading a session's socket (attach's `thread`). */
const READERS: Array<[string, boolean]> = [
  ['its echo thread', true],
  ['the main loop', false],
];

describe('native echo', () => {
  it.each(READERS)(
    'echoes the audio in the add-on (%s), keeps the counts and RTCP, refuses forgeries and strangers, and lets go of the socket at the end',
    async (_, thread) => {
      native.watched.attached.length = 0;
      // A port the kernel just had free: the fixed one (47340) was busy when this file ran in another
      // checkout at the same moment ("All media ports are in use").
      const [mediaPort] = (await freePorts('udp', 1)) as [number];
      const relay = await relayOn(mediaPort, thread);
      const { sig, peer, port } = await session(relay);
      const rtcp = new Set<number>();
      const tr = peer.pc.getTransceivers()[0];
      tr?.receiver.onRtcp.subscribe((p) => rtcp.add(p.type));
      tr?.sender.onRtcp.subscribe((p) => rtcp.add(p.type));

      await expect.poll(() => native.watched.attached.length, { timeout: 8000 }).toBe(1);
      const { handle, opts } = native.watched.attached[0] as WatchedEcho['attached'][number];
      expect(opts.peerAddress).toBe('127.0.0.1');
      expect(opts.peerPort).toBe(peerSocket(peer).address().port);
      await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(50);
      // The add-on echoed them, not JavaScript: all but the first few the lean echo took before the handover.
      const first = native.watched.stats(handle);
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
      await expect
        .poll(() => [...rtcp].sort(), { timeout: 4000 })
        .toEqual(expect.arrayContaining([200, 201]));

      // A forged packet from the nominated address: refused by the add-on, nothing echoed for it.
      const echoedBefore = peer.echoedPackets;
      const sentBefore = peer.sentPackets;
      peerSocket(peer).send(forgedSrtp(60_000), port, '127.0.0.1');
      await expect.poll(() => native.watched.stats(handle).refused, { timeout: 3000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(peer.echoedPackets - echoedBefore).toBeLessThanOrEqual(
        peer.sentPackets - sentBefore + IN_FLIGHT,
      );

      // A datagram from another address (a copy of what the peer sends would do as well): handed to the
      // guard, which drops it (unknown source), and nothing goes back to that address.
      await strangerIsDropped(relay, native.watched, handle, port, 4, cleanup);
      expect(native.watched.stats(handle).refused).toBe(1);

      // The end: the add-on stopped polling and closed its copy of the descriptor (else the port stays bound).
      await byeLetsGo(relay, sig, native.watched, handle, port, 4);
      const atEnd = native.watched.stats(handle);

      // A second session on the same port (descriptor numbers come round again): its own handover, echoed.
      const second = await session(relay);
      await expect.poll(() => native.watched.attached.length, { timeout: 8000 }).toBe(2);
      await expect.poll(() => second.peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(25);
      const again = native.watched.attached[1] as WatchedEcho['attached'][number];
      expect(native.watched.stats(again.handle).echoed).toBeGreaterThanOrEqual(20);
      // The first session's add-on state saw none of it.
      expect(native.watched.stats(handle)).toEqual(atEnd);
    },
    30_000,
  );
});

describe("the native echo's drops on /metrics", () => {
  it('a flood while JavaScript is busy: what the echo thread dropped for a full queue shows as queue-full, as many as it dropped', async () => {
    native.watched.attached.length = 0;
    const [mediaPort] = (await freePorts('udp', 1)) as [number];
    const relay = await relayOn(mediaPort, true);
    const { peer, port } = await session(relay);
    await expect.poll(() => native.watched.attached.length, { timeout: 8000 }).toBe(1);
    const { handle } = native.watched.attached[0] as WatchedEcho['attached'][number];
    await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(10);
    expect(await dropped(relay, 'queue-full')).toBe(0);
    // The operator sees that the add-on took the session (one attach, one count).
    expect(await nativeSessions(relay)).toBe(1);

    // STUN Binding Requests too small to be answered, from the nominated address: not the echo's, so the
    // thread queues them for the main loop, which this synchronous loop keeps busy (the guard drops the
    // ones it gets as stun-too-small).
    const check = Buffer.alloc(20);
    check.writeUInt16BE(0x0001, 0);
    check.writeUInt32BE(0x2112a442, 4);
    const from = peerSocket(peer);
    for (let i = 0; i < 3000; i++) from.send(check, port, '127.0.0.1');
    await expect.poll(() => native.watched.stats(handle).queueDropped, { timeout: 5000 }).toBeGreaterThan(0);
    // The relay collects the add-on's figures every 100 ms: the operator's count catches up with it.
    await expect
      .poll(async () => (await dropped(relay, 'queue-full')) - native.watched.stats(handle).queueDropped, {
        timeout: 5000,
      })
      .toBe(0);
    expect(await dropped(relay, 'echo-send-failed')).toBe(0);
  });
});

describe("the echo thread's real-time budget (--native-echo-priority high)", () => {
  /** The echo thread's scheduling policy as the kernel shows it (0 SCHED_OTHER, 1 SCHED_FIFO). */
  const policy = (tid: number) =>
    Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[38]);

  it('a flood past the budget puts the thread back among ordinary ones for the rest of the window, on /metrics, and SCHED_FIFO returns after it', async () => {
    // A budget of 1 % of each 100 ms window, so a flood from this test process is enough to use it up (the
    // relay's default, 60 %, leaves the rest of the CPU to signalling and health checks under any flood).
    const granted = native.watched.echo.setPriority('high', 1);
    cleanup.push(() => native.watched.echo.setPriority('normal'));
    // The machines that run this suite are root; without CAP_SYS_NICE there is no budget to test.
    expect(granted, 'SCHED_FIFO needs root (CAP_SYS_NICE)').toMatchObject({ policy: 'fifo', fifoDemoted: 0 });
    native.watched.attached.length = 0;
    const [mediaPort] = (await freePorts('udp', 1)) as [number];
    const relay = await relayOn(mediaPort, true);
    const { peer, port } = await session(relay);
    await expect.poll(() => native.watched.attached.length, { timeout: 8000 }).toBe(1);
    await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(10);
    const demoted = async () =>
      Number(
        /^svc_relay_native_echo_fifo_demoted_total (\d+)/m.exec(await relay.metrics())?.[1] ?? Number.NaN,
      );
    expect(await demoted()).toBe(0);

    // STUN too small to answer, from the nominated address: the thread reads each one before it can drop it.
    const check = Buffer.alloc(20);
    check.writeUInt16BE(0x0001, 0);
    check.writeUInt32BE(0x2112a442, 4);
    const from = peerSocket(peer);
    for (let round = 0; round < 20 && native.watched.echo.priority().fifoDemoted === 0; round++) {
      for (let i = 0; i < 2000; i++) from.send(check, port, '127.0.0.1');
      await sleep(20);
    }
    const count = native.watched.echo.priority().fifoDemoted;
    expect(count).toBeGreaterThan(0);
    // The operator's counter says so too.
    await expect.poll(demoted, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
    // The flood over, the session's own audio wakes the thread in a new window: SCHED_FIFO again, still echoing.
    await expect.poll(() => policy(granted.tid), { timeout: 5000 }).toBe(1);
    const echoed = peer.echoedPackets;
    await expect.poll(() => peer.echoedPackets, { timeout: 5000 }).toBeGreaterThan(echoed + 10);
  });
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
    const choice = chooseEcho('native', log, () => ({ ok: true, echo: native.watched.echo, file: 'x.node' }));
    cleanup.push(() => native.watched.echo.setPriority('normal'));
    expect(choice.echoPath).toBe('native');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ event: 'echo-path', echoPath: 'native', file: 'x.node', thread: true }),
      // The default --native-echo-priority, auto: real-time here (the suite runs as root, as the systemd unit's
      // LimitRTPRIO=1 allows), the short slice where the relay may not.
      expect.objectContaining({
        event: 'native-echo-priority',
        asked: 'auto',
        got:
          process.getuid?.() === 0
            ? 'SCHED_FIFO 1'
            : expect.stringMatching(/^other, nice -?\d+, slice 100 µs$/),
      }),
    ]);
    expect(chooseEcho('lean', log)).toEqual({ echoPath: 'lean', nativeEcho: null });
  });
});

/**
 * The native echo's hand-back (detach): the relay lets go of a session's socket while the user's audio
 * keeps arriving (bitrate cap exceeded, or the session ending). With the echo thread reading the socket at
 * the same moment, every datagram must end up in exactly one place: echoed by the add-on before the
 * detach, handed to JavaScript (its queue, given back by detach), or read by Node again afterwards; nothing
 * sent after the detach is echoed. Both ways of reading (thread, main loop). The add-on directly on two
 * loopback sockets, SRTP (AEAD_AES_128_GCM) from src/relay/media/srtp.ts.
 */
async function socket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

const keys = () => ({ key: randomBytes(16), salt: randomBytes(12), authKey: Buffer.alloc(0) });
const PAYLOAD = 80;
const PAYLOAD_TYPE = 111;

/** Packets sent in all: some before the detach, the rest after it. */
const AFTER_DETACH = 150;

type SrtpKeys = ReturnType<typeof keys>;

/**
 * The add-on takes `relay` over (Node stops reading it) for audio from `peer`: the browser's keys decrypt,
 * the relay's encrypt the echo; no bitrate cap to speak of.
 */
function attachTo(
  relay: dgram.Socket,
  peer: dgram.Socket,
  browser: SrtpKeys,
  ours: SrtpKeys,
  onBatch: (others: Array<Buffer | string | number>) => void,
  thread: boolean,
) {
  const udp = udpHandleOf(relay);
  if (!udp) throw new Error('no UDP handle');
  udp.recvStop();
  const handle = native.watched.echo.attach({
    fd: udp.fd,
    peerAddress: '127.0.0.1',
    peerPort: peer.address().port,
    remoteKey: browser.key,
    remoteSalt: browser.salt,
    localKey: ours.key,
    localSalt: ours.salt,
    ssrc: 0x0badcafe,
    payloadType: PAYLOAD_TYPE,
    maxDatagram: 1200,
    budget: 1e9,
    roc: 0,
    highestSeq: -1,
    onBatch,
    thread,
  });
  cleanup.push(() => native.watched.echo.detach(handle));
  return { udp, handle };
}

describe('native echo detach', () => {
  it.each(READERS)(
    'a detach while audio arrives (%s): nothing echoed after it, nothing lost, Node reads the rest',
    async (_, thread) => {
      const relay = await socket();
      const peer = await socket();
      const browserKeys = keys();
      const relayKeys = keys();
      const browserSends = srtpContext('aead-aes-128-gcm', browserKeys);
      const peerReads = srtpContext('aead-aes-128-gcm', relayKeys);
      const decodeSeq = (packet: Buffer) => packet.readUInt16BE(2);

      // Where each sequence number ended up.
      const echoedBack: number[] = [];
      const handed: number[] = [];
      const readByNode: number[] = [];
      peer.on('message', (m) => {
        const plain = peerReads.unprotect(m);
        if (plain) echoedBack.push(decodeSeq(plain.packet));
      });
      relay.on('message', (m) => readByNode.push(decodeSeq(m)));

      const ring = new Float64Array(512 * 6);
      let handle: NativeHandle | null = null;
      const takeOthers = (others: Array<Buffer | string | number>) => {
        for (let i = 0; i < others.length; i += 3) handed.push(decodeSeq(others[i] as Buffer));
      };
      const attached = attachTo(
        relay,
        peer,
        browserKeys,
        relayKeys,
        (others) => {
          if (handle) native.watched.echo.drain(handle, ring);
          takeOthers(others);
        },
        thread,
      );
      const { udp } = attached;
      handle = attached.handle;
      const h = handle;

      let seq = 0;
      const sendSome = () => {
        for (let k = 0; k < 4; k++) {
          const rtp = Buffer.alloc(12 + PAYLOAD, 0x55);
          rtp[0] = 0x80;
          rtp[1] = PAYLOAD_TYPE;
          rtp.writeUInt16BE(seq, 2);
          rtp.writeUInt32BE(960 * seq, 4);
          rtp.writeUInt32BE(1234, 8);
          // Every fifth one not audio (an RTCP packet type): the add-on hands it to JavaScript.
          const datagram =
            seq % 5 === 4 ? Buffer.from([0x80, 200, seq >> 8, seq & 0xff]) : browserSends.protect(rtp, 12, 0);
          peer.send(datagram, relay.address().port, '127.0.0.1');
          seq++;
        }
      };
      const pump = setInterval(sendSome, 1);
      cleanup.push(() => clearInterval(pump));

      await expect.poll(() => native.watched.stats(h).echoed, { timeout: 5000 }).toBeGreaterThanOrEqual(40);
      takeOthers(native.watched.echo.detach(h));
      const firstAfter = seq;
      const echoedByAddOn = native.watched.stats(h).echoed;
      udp.recvStart();
      expect(native.watched.echo.polling(h)).toBe(false);

      await expect.poll(() => seq, { timeout: 5000 }).toBeGreaterThanOrEqual(firstAfter + AFTER_DETACH);
      clearInterval(pump);
      const total = seq;
      await expect
        .poll(() => echoedBack.length + handed.length + readByNode.length, { timeout: 5000 })
        .toBe(total);

      expect(handed.length).toBeGreaterThan(0);
      // Each packet in one place only, and every one somewhere.
      const all = [...echoedBack, ...handed, ...readByNode].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: total }, (_v, i) => i));
      // The add-on's echoes all came back, none of a packet sent after the detach.
      expect(echoedBack.length).toBe(echoedByAddOn);
      expect(Math.max(...echoedBack)).toBeLessThan(firstAfter);
      expect(native.watched.stats(h).echoed).toBe(echoedByAddOn);
      // Node reads the socket again: everything sent after the detach reached it.
      expect(readByNode.filter((s) => s >= firstAfter)).toHaveLength(total - firstAfter);
    },
  );

  it('a flood while JavaScript is busy: the echo thread queues at most 512 datagrams for it and counts the rest as dropped', async () => {
    const relay = await socket();
    const peer = await socket();
    let given = 0;
    const { handle: h } = attachTo(
      relay,
      peer,
      keys(),
      keys(),
      (others) => {
        given += others.length / 3;
      },
      true,
    );
    // Sent in one synchronous loop: the main loop cannot take any of it until the loop ends.
    const rtcp = Buffer.from([0x80, 200, 0, 1]);
    const port = relay.address().port;
    for (let i = 0; i < 3000; i++) peer.send(rtcp, port, '127.0.0.1');
    await expect.poll(() => native.watched.stats(h).queueDropped, { timeout: 5000 }).toBeGreaterThan(0);
    await expect
      .poll(() => given + native.watched.stats(h).queueDropped, { timeout: 5000 })
      .toBe(native.watched.stats(h).handed);
    expect(given).toBeLessThan(3000);
  });
});
