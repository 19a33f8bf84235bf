/**
 * A werift peer that plays the browser's part of the media loopback: an audio track sending crafted RTP,
 * an unordered unreliable data channel, an offer trickled over the relay's signaling. It counts what the relay
 * echoes back.
 */
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import type { ProfileId } from '../../src/profiles/types.ts';
import type { IceCandidate, MediaMode } from '../../src/protocol/relay-messages.ts';
import type { SignalingClient } from './signaling-client.ts';

export interface BrowserPeerOptions {
  mode?: MediaMode;
  /** Offer and accept only TCP candidates, as a network that blocks UDP would leave. */
  tcpOnly?: boolean;
  /** Leave the relay's answer unapplied, so the session can never connect. */
  ignoreAnswer?: boolean;
  /** The port profile the offer names (none: as an older extension offers). */
  profile?: ProfileId;
  /** A computer on IPv6 only (::1): its own candidate and the relay's it accepts are IPv6 ones. */
  ipv6Only?: boolean;
}

const isUdp = (candidate: string) => / udp /i.test(candidate);
/** The candidate's address (its fifth field) is an IPv6 one. */
const isIpv6 = (candidate: string) => (candidate.split(' ')[4] ?? '').includes(':');

export class BrowserPeer {
  readonly pc: RTCPeerConnection;
  readonly dc;
  readonly dcEchoes: Array<string | Buffer> = [];
  echoedPackets = 0;
  echoedBytes = 0;
  sentPackets = 0;
  sentBytes = 0;
  private readonly track = new MediaStreamTrack({ kind: 'audio' });
  private readonly opts: BrowserPeerOptions;
  private rtpTimer: NodeJS.Timeout | null = null;

  constructor(opts: BrowserPeerOptions = {}) {
    this.opts = opts;
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [opts.ipv6Only ? '::1' : '127.0.0.1'],
      iceUseTcp: opts.tcpOnly ?? false,
    });
    this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
    this.dc = this.pc.createDataChannel('probe', { ordered: false, maxRetransmits: 0 });
    this.dc.onMessage.subscribe((m) => this.dcEchoes.push(m));
    this.pc.onTrack.subscribe((t) =>
      t.onReceiveRtp.subscribe((p) => {
        this.echoedPackets++;
        this.echoedBytes += p.payload.length;
      }),
    );
  }

  private keep(candidate: string): boolean {
    if (this.opts.ipv6Only && !isIpv6(candidate)) return false;
    return !(this.opts.tcpOnly && isUdp(candidate));
  }

  /** Offers over the signaling (candidates trickled, as a browser does) and applies what the relay sends. */
  async connect(sig: SignalingClient): Promise<void> {
    const pending: IceCandidate[] = [];
    let offered = false;
    this.pc.onIceCandidate.subscribe((c) => {
      if (c && !this.keep(c.candidate)) return;
      const candidate: IceCandidate = c
        ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
        : null;
      if (offered) sig.send({ type: 'candidate', candidate });
      else pending.push(candidate);
    });
    // Errors here only mean the test already closed this peer.
    const ignoreClosed = () => {};
    sig.onMessage((m) => {
      if (this.opts.ignoreAnswer) return;
      if (m.type === 'answer') {
        const sdp = m.sdp.replace(/^a=(candidate:.*)\r?\n/gm, (line, c: string) =>
          this.keep(c) ? line : '',
        );
        this.pc.setRemoteDescription({ type: 'answer', sdp }).catch(ignoreClosed);
      } else if (m.type === 'candidate' && (m.candidate === null || this.keep(m.candidate.candidate))) {
        this.pc.addIceCandidate(m.candidate ?? undefined).catch(ignoreClosed);
      }
    });
    const offer = await this.pc.createOffer();
    // The same fallback to stun.l.google.com the relay turns off (see echo-session.ts): not in tests either.
    for (const t of this.pc.iceTransports) t.connection.stunServer = undefined;
    await this.pc.setLocalDescription(offer);
    // werift has gathered by now; send the offer without candidates (nor its end) and trickle them, as
    // browsers do.
    const sdp = (this.pc.localDescription?.sdp ?? '').replace(
      /^a=(candidate:|end-of-candidates).*\r?\n/gm,
      '',
    );
    const profile = this.opts.profile ? { profile: this.opts.profile } : {};
    sig.send({ type: 'offer', sdp, mode: this.opts.mode ?? 'quick', ...profile });
    offered = true;
    for (const c of pending) sig.send({ type: 'candidate', candidate: c });
  }

  /**
   * 50 packets/s of 80-byte payloads, as a 20 ms audio codec would send; or, for flood tests, `perTick`
   * packets of `payloadBytes` every `intervalMs`.
   */
  startRtp(opts: { payloadBytes?: number; intervalMs?: number; perTick?: number } = {}): void {
    let seq = 1;
    let timestamp = 0;
    this.rtpTimer = setInterval(() => {
      for (let i = 0; i < (opts.perTick ?? 1); i++) {
        const header = new RtpHeader({
          payloadType: 111,
          sequenceNumber: seq++ & 0xffff,
          timestamp,
          ssrc: 4242,
        });
        timestamp = (timestamp + 960) >>> 0;
        const packet = new RtpPacket(header, Buffer.alloc(opts.payloadBytes ?? 80, seq & 0xff));
        this.track.writeRtp(packet);
        this.sentPackets++;
        this.sentBytes += packet.payload.length;
      }
    }, opts.intervalMs ?? 20);
  }

  stopRtp(): void {
    if (this.rtpTimer) clearInterval(this.rtpTimer);
    this.rtpTimer = null;
  }

  /** The transport the nominated ICE pair uses ('udp' or 'tcp'), once connected. */
  nominatedProtocol(): string | undefined {
    const pair = this.pc.iceTransports.map((t) => t.connection.nominated).find(Boolean);
    return pair?.protocol.type === 'stun' ? 'udp' : pair?.protocol.type;
  }

  async close(): Promise<void> {
    if (this.rtpTimer) clearInterval(this.rtpTimer);
    await this.pc.close();
  }
}
