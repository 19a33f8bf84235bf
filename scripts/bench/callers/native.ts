/**
 * Native callers: each caller sets up as a browser would, as a werift peer (ICE, DTLS-SRTP with
 * AEAD_AES_128_GCM, the relay's WSS signaling), and once DTLS has given the SRTP keys its UDP socket and keys
 * go to the process's native pump (native/pump.cc). The pump sends every stream's audio and reads its echoes
 * on one thread, with no JavaScript per packet; werift keeps the socket's STUN and DTLS (the pump hands them
 * back every DRAIN_MS), so its consent checks keep the session alive. One pump per load-generator process.
 */
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { MAX_MEDIA_DURATION_S } from '../../../src/protocol/relay-messages.ts';
import { udpHandleOf } from '../../../src/relay/media/native/udp-handle.ts';
import type { TestRelay } from '../../../test/helpers/in-process-relay.ts';
import { SignalingClient } from '../../../test/helpers/signaling-client.ts';
import { loadPump, type NativePump } from '../native/build.ts';
import {
  type CallerPool,
  type CallerReport,
  INTERVAL_MS,
  NATIVE_TICK_US,
  OPUS,
  PAYLOAD_BYTES,
  sleep,
} from './pool.ts';

/** How often STUN and DTLS the pump received go back to werift. */
const DRAIN_MS = 20;
/** werift's DTLS-SRTP protection profile number for AEAD_AES_128_GCM (RFC 7714), the one the pump speaks. */
const SRTP_AEAD_AES_128_GCM = 7;

type Addr = [string, number];
/** werift 0.25 internals read once per caller, after DTLS: its SRTP keys and the nominated pair's socket. */
interface SrtpSide {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
}
interface DtlsInternals {
  state: string;
  srtp?: { config: { profile: number }; localContext: SrtpSide; remoteContext: SrtpSide };
}
interface UdpTransportInternals {
  socket: Socket;
  onData: (data: Buffer, addr: Addr) => void;
}
interface ConnectionInternals {
  stunServer?: unknown;
  nominated?: { remoteAddr: Addr; protocol: { transport?: UdpTransportInternals & { type: string } } };
}

interface Caller {
  sig: SignalingClient;
  pc: RTCPeerConnection;
  /** The pump's index of this caller's stream, once handed over. */
  stream: number | null;
  transport: UdpTransportInternals | null;
}

export class NativeCallers implements CallerPool {
  private readonly pump: NativePump;
  private readonly callers: Array<Caller | undefined> = [];
  private readonly byStream = new Map<number, Caller>();
  private readonly drainTimer: NodeJS.Timeout;
  /** Sessions werift saw fail or close after the hand-over (consent lost, DTLS alert): named in the report. */
  private lost = 0;

  constructor() {
    this.pump = loadPump();
    this.pump.start(PAYLOAD_BYTES, INTERVAL_MS, NATIVE_TICK_US);
    this.drainTimer = setInterval(() => this.drain(), DRAIN_MS);
  }

  private live(): Caller[] {
    return this.callers.filter((c): c is Caller => c !== undefined && c.stream !== null);
  }

  private drain(): void {
    for (const [stream, data, address, port] of this.pump.drain()) {
      const caller = this.byStream.get(stream);
      try {
        caller?.transport?.onData(data, [address, port]);
      } catch {
        // werift's, for a caller closing
      }
    }
  }

  async open(port: number, cert: string, setupLimitMs: number): Promise<void> {
    const deadline = performance.now() + setupLimitMs;
    const sig = await SignalingClient.open({ port, tls: { cert } } as unknown as TestRelay);
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      codecs: {
        audio: [
          new RTCRtpCodecParameters({
            mimeType: 'audio/opus',
            clockRate: 48000,
            channels: 2,
            payloadType: OPUS.payloadType,
          }),
        ],
        video: [],
      },
    });
    const caller: Caller = { sig, pc, stream: null, transport: null };
    const slot = this.callers.length;
    this.callers.push(caller);
    try {
      await this.connect(caller, deadline);
      this.handOver(caller);
      const stream = caller.stream as number;
      // A browser sends as soon as its track opens; the first echo says the whole path works.
      while (this.pump.echoed(stream) === 0) {
        this.refused(sig);
        if (performance.now() > deadline) throw new Error(`no echo within ${setupLimitMs / 1000} s`);
        await sleep(20);
      }
      this.pump.sending(stream, false);
    } catch (err) {
      this.closeCaller(caller);
      this.callers[slot] = undefined;
      throw err;
    }
  }

  private refused(sig: SignalingClient): void {
    const refusal = sig.messages.find((m) => m.type === 'error' || m.type === 'session-ended');
    if (refusal) throw new Error(`relay refused: ${JSON.stringify(refusal)}`);
  }

  /** Offer, answer, candidates both ways, ICE and DTLS: werift's, until DTLS has derived the SRTP keys. */
  private async connect({ sig, pc }: Caller, deadline: number): Promise<void> {
    pc.addTransceiver('audio', { direction: 'sendrecv' });
    const ignoreClosed = () => {};
    sig.onMessage((m) => {
      if (m.type === 'answer') pc.setRemoteDescription({ type: 'answer', sdp: m.sdp }).catch(ignoreClosed);
      else if (m.type === 'candidate') pc.addIceCandidate(m.candidate ?? undefined).catch(ignoreClosed);
    });
    const offer = await pc.createOffer();
    // No public STUN server (werift's fallback): the relay is on loopback.
    for (const t of pc.iceTransports) (t.connection as unknown as ConnectionInternals).stunServer = undefined;
    await pc.setLocalDescription(offer);
    // werift has gathered by now: the offer carries its candidates, as libdatachannel's does.
    sig.send({
      type: 'offer',
      sdp: pc.localDescription?.sdp ?? '',
      mode: 'extended',
      durationS: MAX_MEDIA_DURATION_S,
    });
    for (;;) {
      this.refused(sig);
      const dtls = pc.dtlsTransports[0] as unknown as DtlsInternals | undefined;
      if (dtls?.state === 'connected' && dtls.srtp) return;
      if (pc.connectionState === 'failed') throw new Error('ICE or DTLS failed');
      if (performance.now() > deadline)
        throw new Error(`not connected within the setup limit (DTLS ${dtls?.state})`);
      await sleep(20);
    }
  }

  /** The socket stops reading in libuv and the pump takes it, with the session's SRTP keys. */
  private handOver(caller: Caller): void {
    const { pc } = caller;
    const srtp = (pc.dtlsTransports[0] as unknown as DtlsInternals).srtp;
    if (!srtp || srtp.config.profile !== SRTP_AEAD_AES_128_GCM) {
      throw new Error(
        `the relay chose SRTP profile ${srtp?.config.profile}, the pump speaks only AEAD_AES_128_GCM`,
      );
    }
    const connection = pc.iceTransports[0]?.connection as unknown as ConnectionInternals | undefined;
    const nominated = connection?.nominated;
    const transport = nominated?.protocol.transport;
    const handle = transport ? udpHandleOf(transport.socket) : null;
    if (!nominated || transport?.type !== 'udp' || !handle) {
      throw new Error('no nominated UDP pair to hand over');
    }
    const ssrc = pc.getTransceivers()[0]?.sender.ssrc ?? 0x5eed;
    handle.recvStop();
    caller.transport = transport;
    caller.stream = this.pump.add(
      handle.fd,
      nominated.remoteAddr[0],
      nominated.remoteAddr[1],
      ssrc,
      OPUS.payloadType,
      srtp.localContext.srtpSessionKey,
      srtp.localContext.srtpSessionSalt,
      srtp.remoteContext.srtpSessionKey,
      srtp.remoteContext.srtpSessionSalt,
      true,
    );
    this.byStream.set(caller.stream, caller);
    pc.connectionStateChange.subscribe((state) => {
      if ((state === 'failed' || state === 'closed') && caller.stream !== null) {
        // Before werift closes the socket: the pump must not poll a descriptor that may be reused.
        this.pump.remove(caller.stream);
        if (state === 'failed') this.lost++;
      }
    });
  }

  start(): void {
    for (const c of this.live()) this.pump.sending(c.stream as number, true);
  }

  mark(): void {
    this.pump.mark();
  }

  report(): CallerReport {
    const r = this.pump.report();
    const streams = this.live().map((c) => c.stream as number);
    const slipped = streams.reduce((a, s) => a + (r.slipped[s] ?? 0), 0);
    return {
      sent: streams.map((s) => r.sent[s] ?? 0),
      echoed: streams.map((s) => r.echoed[s] ?? 0),
      rttMs: Array.from(r.rttMs),
      ended: this.live().filter((c) => c.sig.messages.some((m) => m.type === 'session-ended')).length,
      notes: [
        `pump: ${r.ticks} ticks (${r.lateTicks} late), ${slipped} sends more than a frame late (skipped), ` +
          `${r.sendErrors} send errors, ${r.unauthentic} echoes not authentic, ${r.foreign} other datagrams, ` +
          `${r.rtcp} RTCP packets from the relay (dropped), ${r.queueDropped} STUN/DTLS not handed back, ` +
          `${this.lost} sessions werift saw fail after the hand-over`,
      ],
    };
  }

  private closeCaller(caller: Caller): void {
    if (caller.stream !== null) this.pump.remove(caller.stream);
    try {
      caller.sig.send({ type: 'bye' });
    } catch {
      // socket already closed
    }
    caller.sig.close();
    void caller.pc.close().catch(() => undefined);
  }

  close(): void {
    clearInterval(this.drainTimer);
    for (const c of this.callers) if (c) this.closeCaller(c);
    this.pump.stop();
  }

  connected(): number {
    return this.live().length;
  }
}
