/**
 * A WebRTC client on another stack than the relay's: libdatachannel (libjuice ICE, OpenSSL DTLS, usrsctp),
 * through node-datachannel. It offers what a test asks for (one audio codec, a data channel, an a=setup
 * role), sends raw RTP on its track and counts what comes back, packet by packet.
 */
import { Audio, type DataChannel, PeerConnection, type Track } from 'node-datachannel';
import type { ServerMessage } from '../../src/protocol/relay-messages.ts';
import type { SignalingClient } from './signaling-client.ts';

export interface LdcPeerOptions {
  /** The one audio codec to offer: payload type and rtpmap ("PCMA/8000"), or null for no audio. */
  codec?: { payloadType: number; rtpmap: string } | null;
  dataChannel?: boolean;
  /** Rewrites the offer's a=setup:actpass, as a stack that insists on a DTLS role would send it. */
  setup?: 'actpass' | 'active' | 'passive';
  /** Takes each echoed RTP packet instead of keeping it in echoedRtp (a long benchmark would pile them up). */
  onEchoedRtp?: (echo: EchoedRtp) => void;
}

export interface EchoedRtp {
  payloadType: number;
  /** The echo's sequence number and SSRC, as the relay sent them. */
  seq: number;
  ssrc: number;
  payload: Buffer;
}

const SSRC = 0x5eed;

export class LdcPeer {
  readonly pc: PeerConnection;
  readonly track: Track | null = null;
  readonly dc: DataChannel | null = null;
  readonly echoedRtp: EchoedRtp[] = [];
  readonly dcEchoes: Buffer[] = [];
  /** The RTCP packet types the relay sent (200 sender report, 201 receiver report, …). */
  readonly rtcpTypes = new Set<number>();
  /** The offer as sent to the relay. */
  offer = '';
  private seq = 0;
  private readonly opts: LdcPeerOptions;

  constructor(opts: LdcPeerOptions = {}) {
    this.opts = opts;
    this.pc = new PeerConnection('client', {
      iceServers: [],
      bindAddress: '127.0.0.1',
      disableAutoNegotiation: true,
    });
    if (opts.codec) {
      const audio = new Audio('0', 'SendRecv');
      audio.addAudioCodec(opts.codec.payloadType, opts.codec.rtpmap);
      audio.addSSRC(SSRC, 'ldc-client');
      this.track = this.pc.addTrack(audio);
      this.track.onMessage((msg) => {
        // Raw RTP (no media handler): version/flags, payload type, 12-byte fixed header, no CSRC here.
        const buf = Buffer.from(msg);
        if (buf.length < 12) return;
        if ((buf[1] ?? 0) >= 192 && (buf[1] ?? 0) <= 223) {
          // RTCP shares the track: note what the compound packet holds (type byte of each packet).
          for (let at = 0; at + 4 <= buf.length; at += 4 * (buf.readUInt16BE(at + 2) + 1)) {
            this.rtcpTypes.add(buf[at + 1] ?? 0);
          }
          return;
        }
        const echo = {
          payloadType: (buf[1] ?? 0) & 0x7f,
          seq: buf.readUInt16BE(2),
          ssrc: buf.readUInt32BE(8),
          payload: buf.subarray(12),
        };
        if (opts.onEchoedRtp) opts.onEchoedRtp(echo);
        else this.echoedRtp.push(echo);
      });
    }
    if (opts.dataChannel ?? true) {
      this.dc = this.pc.createDataChannel('probe');
      this.dc.onMessage((m) => this.dcEchoes.push(Buffer.isBuffer(m) ? m : Buffer.from(m as string)));
    }
  }

  /** Offers through the relay's signaling and applies the answer and candidates the relay sends. */
  connect(sig: SignalingClient, mode: 'quick' | 'extended' = 'extended', durationS?: number): void {
    const onMessage = (m: ServerMessage) => {
      try {
        if (m.type === 'answer') this.pc.setRemoteDescription(m.sdp, 'answer');
        else if (m.type === 'candidate' && m.candidate?.candidate) {
          this.pc.addRemoteCandidate(m.candidate.candidate, m.candidate.sdpMid ?? '0');
        }
      } catch {
        // A closed peer: the test is over.
      }
    };
    sig.onMessage(onMessage);
    this.pc.onGatheringStateChange((state) => {
      if (state !== 'complete' || this.offer) return;
      const sdp = this.pc.localDescription()?.sdp ?? '';
      this.offer = this.opts.setup ? sdp.replace(/a=setup:actpass/g, `a=setup:${this.opts.setup}`) : sdp;
      sig.send({ type: 'offer', sdp: this.offer, mode, ...(durationS ? { durationS } : {}) });
    });
    this.pc.setLocalDescription('offer');
  }

  state(): string {
    return this.pc.state();
  }

  /** One RTP packet with this payload (marker off, 20 ms of 8 kHz audio per packet). */
  sendRtp(payload: Buffer): boolean {
    if (!this.track?.isOpen() || !this.opts.codec) return false;
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = this.opts.codec.payloadType;
    header.writeUInt16BE(this.seq & 0xffff, 2);
    header.writeUInt32BE((this.seq * 160) >>> 0, 4);
    header.writeUInt32BE(SSRC, 8);
    this.seq++;
    try {
      return this.track.sendMessageBinary(Buffer.concat([header, payload]));
    } catch {
      // The track closed since isOpen() (the relay ended the session): nothing was sent.
      return false;
    }
  }

  /** Skips sequence numbers as if those packets were sent and lost on the way to the relay. */
  skip(count: number): void {
    this.seq += count;
  }

  close(): void {
    try {
      this.dc?.close();
      this.track?.close();
      this.pc.close();
    } catch {
      // already closed
    }
  }
}
