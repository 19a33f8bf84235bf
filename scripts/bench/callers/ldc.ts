/**
 * libdatachannel callers (test/helpers/libdatachannel-peer.ts: ICE, DTLS and SRTP in native code, one
 * JavaScript call per packet each way): the load generator bench:relay-cpu used first, kept selectable
 * (--callers ldc) so its figures stay comparable with the earlier runs.
 */
import { performance } from 'node:perf_hooks';
import { MAX_MEDIA_DURATION_S } from '../../../src/protocol/relay-messages.ts';
import type { TestRelay } from '../../../test/helpers/in-process-relay.ts';
import { type EchoedRtp, LdcPeer } from '../../../test/helpers/libdatachannel-peer.ts';
import { SignalingClient } from '../../../test/helpers/signaling-client.ts';
import { type CallerPool, type CallerReport, INTERVAL_MS, OPUS, PAYLOAD_BYTES, sleep } from './pool.ts';

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

export class LdcCallers implements CallerPool {
  private readonly callers: Array<Caller | undefined> = [];
  private measuring = false;
  private rttMs: number[] = [];

  private live(): Caller[] {
    return this.callers.filter((c): c is Caller => c !== undefined);
  }

  private onEcho(index: number, echo: EchoedRtp): void {
    const p = echo.payload;
    if (p.length !== PAYLOAD_BYTES || p.readUInt16BE(0) !== MAGIC || p.readUInt32BE(2) !== index) return;
    const caller = this.callers[index];
    if (!caller) return;
    caller.echoed++;
    if (this.measuring) this.rttMs.push(performance.now() - p.readDoubleBE(10));
  }

  private send(index: number, caller: Caller): void {
    const payload = Buffer.alloc(PAYLOAD_BYTES, 0x55);
    payload.writeUInt16BE(MAGIC, 0);
    payload.writeUInt32BE(index, 2);
    payload.writeUInt32BE(caller.sent, 6);
    payload.writeDoubleBE(performance.now(), 10);
    if (caller.peer.sendRtp(payload)) caller.sent++;
  }

  async open(port: number, cert: string, setupLimitMs: number): Promise<void> {
    // SignalingClient reads only the port and the certificate to trust of a TestRelay.
    const sig = await SignalingClient.open({ port, tls: { cert } } as unknown as TestRelay);
    const index = this.callers.length;
    const peer = new LdcPeer({ codec: OPUS, dataChannel: false, onEchoedRtp: (e) => this.onEcho(index, e) });
    const caller: Caller = { sig, peer, sent: 0, echoed: 0, sent0: 0, echoed0: 0, timer: null };
    this.callers.push(caller);
    try {
      // The longest media time a client may ask for: hundreds of sessions set up before the first ends.
      peer.connect(sig, 'extended', MAX_MEDIA_DURATION_S);
      // A browser sends as soon as its track opens; the first echo says the whole path works.
      caller.timer = setInterval(() => this.send(index, caller), INTERVAL_MS);
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
      this.callers[index] = undefined;
      throw err;
    }
  }

  start(): void {
    for (const [index, c] of this.callers.entries()) {
      if (!c) continue;
      setTimeout(() => {
        if (!c.timer) c.timer = setInterval(() => this.send(index, c), INTERVAL_MS);
      }, Math.random() * INTERVAL_MS);
    }
  }

  mark(): void {
    for (const c of this.live()) {
      c.sent0 = c.sent;
      c.echoed0 = c.echoed;
    }
    this.rttMs = [];
    this.measuring = true;
  }

  report(): CallerReport {
    this.measuring = false;
    const streams = this.live();
    return {
      sent: streams.map((c) => c.sent - c.sent0),
      echoed: streams.map((c) => c.echoed - c.echoed0),
      rttMs: this.rttMs,
      ended: streams.filter((c) => c.sig.messages.some((m) => m.type === 'session-ended')).length,
      notes: [],
    };
  }

  close(): void {
    for (const c of this.live()) closeCaller(c);
  }

  connected(): number {
    return this.live().length;
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
