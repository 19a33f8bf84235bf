/**
 * The lean echo path: once werift's DTLS has connected and derived the SRTP keys, every audio RTP datagram
 * on the session's UDP socket is echoed here instead of through werift's RTP pipeline (SRTP with a new
 * cipher per packet from a Buffer key, RtpPacket parse and re-serialise, receiver, track, sender, header
 * extension rewrite, each step an event and a promise). What the echo sends is what werift's would be:
 *
 * - the client's own packet, decrypted and authenticated with the client's SRTP keys, then encrypted with
 *   the relay's: DTLS-SRTP stays real end to end (forwarding the client's ciphertext is not possible, since
 *   the client decrypts the echo with the relay's keys, and it would carry the client's own SSRC);
 * - the relay's SSRC and the negotiated payload type written into the header; sequence number, timestamp,
 *   marker and header extensions kept (werift's sender keeps them too: the relay negotiates no extension of
 *   its own, and its offsets are 0 unless the source changes), so a packet lost on the way in leaves a gap in
 *   the echo too and the client's loss per direction (uplink from media-counts, the rest downlink) holds;
 * - sent to the nominated pair through the session's guarded socket (MediaGuard.mayEgress still applies).
 *
 * RTCP, DTLS, STUN and the data channel stay with werift; so does audio over ICE-TCP (rare, and its framing
 * is werift's). The relay's RTCP keeps its meaning: werift's receiver report reads an RtpReceiveStats fed
 * here, and its sender report the packet and octet counts and the last send time kept here.
 */
import { performance } from 'node:perf_hooks';
import { RtpReceiveStats } from '../core/rtp-receive-stats.ts';
import { sendAtTurnEnd } from './send-batch.ts';
import { profileFromId, type SrtpContext, srtpContext } from './srtp.ts';
import { keyObjectsForWerift, type WeriftSrtpSession } from './werift-key-objects.ts';

type Addr = readonly [string, number];

/** werift 0.25 internals the lean path reads or writes. lean-echo.test.ts fails if a werift update renames them. */
interface SrtpSideInternals {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
}
export interface LeanDtlsInternals {
  state: string;
  srtp?: { config: { profile: number }; localContext: SrtpSideInternals; remoteContext: SrtpSideInternals };
  /** werift's SRTCP session: the relay's RTCP goes through it (its keys become KeyObjects, see ready()). */
  srtcp?: WeriftSrtpSession;
}
export interface LeanSenderInternals {
  ssrc: number;
  codec?: { payloadType: number; clockRate: number };
  packetCount: number;
  octetCount: number;
  rtpTimestamp: number;
  ntpTimestamp: bigint;
  runRtcp(): Promise<void>;
}
export interface LeanReceiverInternals {
  remoteStreams: Record<number, unknown>;
  runRtcp(): Promise<void>;
}
export interface LeanPairInternals {
  remoteAddr: Addr;
  protocol: {
    sendData(data: Buffer, addr: Addr): Promise<void>;
    /** werift's UDP transport of the pair (absent over ICE-TCP). */
    transport?: { type: string; closed: boolean; socket: LeanSocket };
  };
}
/** The part of a dgram socket the echo sends with. */
export interface LeanSocket {
  send(data: Buffer, port: number, address: string): void;
}

export interface LeanEchoParts {
  dtls: LeanDtlsInternals;
  sender: LeanSenderInternals;
  receiver: LeanReceiverInternals;
  /** The ICE pair the echo goes to (werift's nominated pair), or none yet. */
  nominated: () => LeanPairInternals | undefined;
  /** Every authentic RTP packet's sequence number (and when it came, if not now): media-counts (uplink loss). */
  onReceived: (seq: number, atMs?: number) => void;
  /** Sends one echo to the pair (through the session's egress guard); called at the end of the turn. */
  send: (srtp: Buffer, pair: LeanPairInternals) => void;
}

/** RFC 7983 demultiplexing: RTP/RTCP start with 128-191; RTCP's packet types are 192-223 (RFC 5761). */
export function isRtp(data: Buffer): boolean {
  const b0 = data[0] as number;
  const b1 = data[1] as number;
  return data.length >= 12 && b0 >= 128 && b0 <= 191 && !(b1 >= 192 && b1 <= 223);
}

/**
 * Receive statistics are kept for at most this many of the client's SSRCs (a browser sends audio on one,
 * and a new one only when its source changes): an authenticated client rotating SSRCs cannot grow the
 * session's memory. Packets from further SSRCs are still counted (media-counts) and echoed.
 */
export const MAX_REPORTED_SSRCS = 4;

const NTP_EPOCH_OFFSET_S = 2_208_988_800;
/** 64-bit NTP time (RFC 5905) of a Unix time in ms, as werift's sender report carries it. */
export function ntpFromUnixMs(ms: number): bigint {
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32);
  return (BigInt(seconds + NTP_EPOCH_OFFSET_S) << 32n) | BigInt(fraction);
}

interface Keys {
  remote: SrtpContext;
  local: SrtpContext;
}

export class LeanEcho {
  private readonly parts: LeanEchoParts;
  private keys: Keys | null = null;
  private started = false;
  private lastSentMs = 0;
  /** Packets echoed by this path (a test reads it to know the lean path, not werift's, did the echo). */
  echoed = 0;
  /** Datagrams refused: not authentic, or not RTP this path can read. */
  refused = 0;

  constructor(parts: LeanEchoParts) {
    this.parts = parts;
  }

  /** SRTP contexts from werift's session keys, once DTLS has connected and given them. */
  private ready(): Keys | null {
    if (this.keys) return this.keys;
    const srtp = this.parts.dtls.srtp;
    if (this.parts.dtls.state !== 'connected' || !srtp) return null;
    const profile = profileFromId(srtp.config.profile);
    if (!profile) return null;
    const side = (s: SrtpSideInternals) => ({
      key: s.srtpSessionKey,
      salt: s.srtpSessionSalt,
      authKey: s.srtpSessionAuthTag,
    });
    this.keys = {
      remote: srtpContext(profile, side(srtp.remoteContext)),
      local: srtpContext(profile, side(srtp.localContext)),
    };
    // What stays with werift (RTCP both ways, audio before this point) gets the same KeyObject saving.
    keyObjectsForWerift([srtp as WeriftSrtpSession, this.parts.dtls.srtcp]);
    return this.keys;
  }

  /** The SRTP keys are known (DTLS connected): the native echo may take over from here. */
  get keyed(): boolean {
    return this.ready() !== null;
  }

  /** Where the client's rollover counter stands (the native echo continues from it). */
  remoteRollover(): { roc: number; highest: number } {
    return this.ready()?.remote.rollover() ?? { roc: 0, highest: -1 };
  }

  /**
   * A packet the native echo (native/native-handover.ts) took and echoed: the same bookkeeping as take()'s,
   * afterwards, with the time it arrived (`atMs` on the performance clock, `arrivalUnixMs` for RTCP);
   * `echoed` false when its echo could not be sent (a full send queue).
   */
  recordNative(
    seq: number,
    timestamp: number,
    ssrc: number,
    atMs: number,
    payloadOctets: number,
    echoed: boolean,
  ): void {
    const codec = this.parts.sender.codec;
    if (!codec) return;
    const arrivalUnixMs = performance.timeOrigin + atMs;
    this.parts.onReceived(seq, atMs);
    this.receiveStats(ssrc, codec.clockRate)?.add(seq, timestamp, arrivalUnixMs / 1000);
    // Received either way; the sender report counts only what went out (a full send queue lost it).
    if (!echoed) return;
    this.start();
    const { sender } = this.parts;
    sender.packetCount = (sender.packetCount + 1) >>> 0;
    sender.octetCount += payloadOctets;
    sender.rtpTimestamp = timestamp;
    if (arrivalUnixMs > this.lastSentMs) this.lastSentMs = arrivalUnixMs;
  }

  /**
   * Takes an admitted datagram if it is audio RTP this path echoes: true when it was handled (echoed or
   * dropped), false when werift should have it (anything else, or SRTP not keyed yet).
   */
  take(data: Buffer): boolean {
    if (!isRtp(data)) return false;
    const keys = this.ready();
    const { sender } = this.parts;
    const codec = sender.codec;
    if (!keys || !codec) return false;
    const plain = keys.remote.unprotect(data);
    if (!plain) {
      this.refused++;
      return true;
    }
    const { packet, payloadOffset, roc } = plain;
    const seq = packet.readUInt16BE(2);
    const timestamp = packet.readUInt32BE(4);
    const ssrc = packet.readUInt32BE(8);
    const nowMs = performance.timeOrigin + performance.now();
    this.parts.onReceived(seq);
    this.receiveStats(ssrc, codec.clockRate)?.add(seq, timestamp, nowMs / 1000);
    this.start();

    const pair = this.parts.nominated();
    if (!pair) return true;
    packet[1] = ((packet[1] as number) & 0x80) | (codec.payloadType & 0x7f);
    packet.writeUInt32BE(sender.ssrc >>> 0, 8);
    // The echo is the datagram that came in, re-encrypted where it lies (srtp.ts): nothing copied.
    const srtp =
      data.length === packet.length + keys.local.tagLength
        ? keys.local.protectInPlace(data, packet.length, payloadOffset, roc)
        : keys.local.protect(packet, payloadOffset, roc);
    sender.packetCount = (sender.packetCount + 1) >>> 0;
    sender.octetCount += packet.length - payloadOffset;
    sender.rtpTimestamp = timestamp;
    this.lastSentMs = nowMs;
    this.echoed++;
    const { send } = this.parts;
    sendAtTurnEnd(() => send(srtp, pair));
    return true;
  }

  private reportedSsrcs = 0;

  private receiveStats(ssrc: number, clockRate: number): RtpReceiveStats | null {
    const streams = this.parts.receiver.remoteStreams;
    const stats = streams[ssrc];
    if (stats instanceof RtpReceiveStats) return stats;
    if (this.reportedSsrcs >= MAX_REPORTED_SSRCS) return null;
    this.reportedSsrcs++;
    const fresh = new RtpReceiveStats(clockRate);
    streams[ssrc] = fresh;
    return fresh;
  }

  /** The relay's RTCP for this stream, as werift starts it on its first packet each way. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    const { sender, receiver } = this.parts;
    // werift stamps ntpTimestamp on each packet it sends; the lean path only when a report reads it.
    Object.defineProperty(sender, 'ntpTimestamp', {
      configurable: true,
      get: () => ntpFromUnixMs(this.lastSentMs),
      set: () => undefined,
    });
    void receiver.runRtcp();
    void sender.runRtcp();
  }
}
