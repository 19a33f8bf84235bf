/**
 * One load-generator process of bench:relay-cpu (scripts/bench/relay-cpu.ts forks several): N callers, each
 * a libdatachannel peer (test/helpers/libdatachannel-peer.ts: ICE, DTLS and SRTP in native code, so a caller
 * costs far less CPU than the relay's JavaScript echo it measures) sending one Opus-sized audio stream at
 * 50 packets/s over DTLS-SRTP, and timing every echo. Each payload carries its caller, its number and the
 * moment it was sent, so an echo tells its own round trip. A caller falls quiet after its first echo and
 * sends again on 'start', once every caller is set up: the relay's DTLS set-ups then do not compete with
 * hundreds of echoed streams (on 2 shared cores, setting up 400 streams that already echoed took longer than
 * a session lives), and every stream sends for the whole window.
 *
 * Driven over the IPC channel (messages below); it never decides what the benchmark reports.
 */
import { performance } from 'node:perf_hooks';
import { MAX_MEDIA_DURATION_S } from '../../src/protocol/relay-messages.ts';
import type { TestRelay } from '../../test/helpers/in-process-relay.ts';
import { type EchoedRtp, LdcPeer } from '../../test/helpers/libdatachannel-peer.ts';
import { SignalingClient } from '../../test/helpers/signaling-client.ts';

export type ToClient =
  | { type: 'open'; port: number; cert: string; streams: number; ramp: number; setupLimitMs: number }
  /** Every caller sends again, each from a random point of the 20 ms frame (independent callers). */
  | { type: 'start' }
  /** Start of the measured window: counts are taken from here, round trips collected from here. */
  | { type: 'mark' }
  | { type: 'report' }
  | { type: 'close' };

export type FromClient =
  | { type: 'opened'; connected: number; failures: string[] }
  | { type: 'marked' }
  | { type: 'started' }
  | {
      type: 'report';
      /** Per connected stream: packets sent and echoes received within the window. */
      sent: number[];
      echoed: number[];
      /** Every echo's round trip in the window, ms (loopback, relay and both event loops). */
      rttMs: number[];
      /** Sessions the relay ended before the client said bye. */
      ended: number;
      cpuS: number;
    }
  | { type: 'closed' };

const PAYLOAD_BYTES = 80;
const INTERVAL_MS = 20;
const OPUS = { payloadType: 111, rtpmap: 'opus/48000/2' };
const MAGIC = 0x5ec0;

interface Caller {
  sig: SignalingClient;
  peer: LdcPeer;
  sent: number;
  echoed: number;
  sent0: number;
  echoed0: number;
  timer: NodeJS.Timeout | null;
}

const callers: Caller[] = [];
let measuring = false;
let rttMs: number[] = [];
let cpu0 = process.cpuUsage();

function onEcho(index: number, echo: EchoedRtp): void {
  const p = echo.payload;
  if (p.length !== PAYLOAD_BYTES || p.readUInt16BE(0) !== MAGIC || p.readUInt32BE(2) !== index) return;
  const caller = callers[index];
  if (!caller) return;
  caller.echoed++;
  if (measuring) rttMs.push(performance.now() - p.readDoubleBE(10));
}

function send(index: number, caller: Caller): void {
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x55);
  payload.writeUInt16BE(MAGIC, 0);
  payload.writeUInt32BE(index, 2);
  payload.writeUInt32BE(caller.sent, 6);
  payload.writeDoubleBE(performance.now(), 10);
  if (caller.peer.sendRtp(payload)) caller.sent++;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openCaller(port: number, cert: string, setupLimitMs: number): Promise<void> {
  // SignalingClient reads only the port and the certificate to trust of a TestRelay.
  const sig = await SignalingClient.open({ port, tls: { cert } } as unknown as TestRelay);
  const index = callers.length;
  const peer = new LdcPeer({ codec: OPUS, dataChannel: false, onEchoedRtp: (e) => onEcho(index, e) });
  const caller: Caller = { sig, peer, sent: 0, echoed: 0, sent0: 0, echoed0: 0, timer: null };
  callers.push(caller);
  try {
    // The longest media time a client may ask for: hundreds of sessions set up before the first ends.
    peer.connect(sig, 'extended', MAX_MEDIA_DURATION_S);
    // A browser sends as soon as its track opens; the first echo says the whole path works.
    caller.timer = setInterval(() => send(index, caller), INTERVAL_MS);
    const deadline = performance.now() + setupLimitMs;
    while (caller.echoed === 0) {
      const refusal = sig.messages.find((m) => m.type === 'error' || m.type === 'session-ended');
      if (refusal) throw new Error(`relay refused: ${JSON.stringify(refusal)}`);
      if (performance.now() > deadline) throw new Error(`no echo within ${setupLimitMs / 1000} s`);
      await sleep(20);
    }
    clearInterval(caller.timer);
    caller.timer = null;
  } catch (err) {
    closeCaller(caller);
    callers[index] = undefined as unknown as Caller;
    throw err;
  }
}

function closeCaller(caller: Caller): void {
  if (caller.timer) clearInterval(caller.timer);
  try {
    caller.sig.send({ type: 'bye' });
  } catch {
    // socket already closed
  }
  caller.sig.close();
  caller.peer.close();
}

const live = () => callers.filter(Boolean);

async function open(msg: Extract<ToClient, { type: 'open' }>): Promise<FromClient> {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(msg.ramp, msg.streams) }, async () => {
      while (next < msg.streams) {
        next++;
        try {
          await openCaller(msg.port, msg.cert, msg.setupLimitMs);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }),
  );
  return { type: 'opened', connected: live().length, failures };
}

function report(): FromClient {
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const streams = live();
  return {
    type: 'report',
    sent: streams.map((c) => c.sent - c.sent0),
    echoed: streams.map((c) => c.echoed - c.echoed0),
    rttMs,
    ended: streams.filter((c) => c.sig.messages.some((m) => m.type === 'session-ended')).length,
    cpuS: (cpu.user + cpu.system) / 1e6,
  };
}

process.on('message', (msg: ToClient) => {
  const reply = (m: FromClient) => process.send?.(m);
  switch (msg.type) {
    case 'open':
      void open(msg).then(reply);
      break;
    case 'start':
      for (const [index, c] of callers.entries()) {
        if (!c) continue;
        setTimeout(() => {
          if (!c.timer) c.timer = setInterval(() => send(index, c), INTERVAL_MS);
        }, Math.random() * INTERVAL_MS);
      }
      setTimeout(() => reply({ type: 'started' }), INTERVAL_MS);
      break;
    case 'mark':
      for (const c of live()) {
        c.sent0 = c.sent;
        c.echoed0 = c.echoed;
      }
      rttMs = [];
      cpu0 = process.cpuUsage();
      measuring = true;
      reply({ type: 'marked' });
      break;
    case 'report':
      reply(report());
      break;
    case 'close':
      for (const c of live()) closeCaller(c);
      reply({ type: 'closed' });
      // libdatachannel keeps threads alive after its peers close: exit once the parent has the answer.
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
