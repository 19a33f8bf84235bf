/**
 * One media loopback session: a werift peer connection that answers the browser's offer on one media port,
 * sends the received audio RTP back on its own track (through DTLS-SRTP both ways) and echoes every data
 * channel message. It decides nothing about the protocol: it reports SessionEvents and the connection's core
 * decides what to send and when to end.
 *
 * The echo is 1:1 by construction: every RTP packet and every data channel message received is sent back
 * once, with the same payload, so the relay never sends more than the client sent it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { RTCPeerConnection, type RTCPeerConnectionConfig } from 'werift';
import type { IceCandidate } from '../../protocol/relay-messages.ts';
import type { EndReason } from '../core/connection-state.ts';
import type { SessionEvent } from '../core/handle-session-event.ts';
import type { Logger } from '../logger.ts';

export interface EchoSessionOptions {
  /** The one media port this session may bind (UDP, and the passive ICE-TCP listener). */
  port: number;
  /** The IPv4 address the sockets bind to and the host candidate advertises. */
  address: string;
  iceTcp: boolean;
  onEvent: (event: SessionEvent) => void;
  /** Called exactly once, after the session's sockets are closed: only then may the port be reused. */
  onReleased: () => void;
  log: Logger;
}

/** Longest wait for werift to finish answering or closing before the port is handed back anyway. */
const CLOSE_WAIT_MS = 2000;

export function peerConfig(opts: Pick<EchoSessionOptions, 'address' | 'iceTcp'>): RTCPeerConnectionConfig {
  return {
    iceServers: [],
    // No interface scan: the configured address is the only host address. With the scan on, werift adds
    // every non-loopback interface (binding them all to the one configured socket address, which races),
    // and advertises addresses the operator did not choose.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [opts.address],
    iceInterfaceAddresses: { udp4: opts.address },
    iceUseTcp: opts.iceTcp,
  };
}

export class EchoSession {
  readonly port: number;
  readonly pc: RTCPeerConnection;
  private readonly opts: EchoSessionOptions;
  private answering: Promise<void> | null = null;
  private ending: Promise<void> | null = null;
  private answered = false;
  private connected = false;
  /** Local candidates werift produced, to check it really bound our port. */
  private readonly localCandidates: string[] = [];

  constructor(opts: EchoSessionOptions) {
    this.opts = opts;
    this.port = opts.port;
    this.pc = new RTCPeerConnection(peerConfig(opts));
    // werift's constructor refuses a one-port range ("should not be same value"), yet binds a single port
    // fine: transports read the range when setRemoteDescription creates them, so it is set here instead.
    this.pc.config.icePortRange = [opts.port, opts.port];
    this.wire();
  }

  private emit(event: SessionEvent): void {
    if (!this.ending) this.opts.onEvent(event);
  }

  private wire(): void {
    const { pc } = this;
    pc.onRemoteTransceiverAdded.subscribe((tr) => {
      if (tr.kind !== 'audio') {
        tr.setDirection('inactive');
        return;
      }
      // werift answers recvonly unless told otherwise, and the browser then gets no track to measure.
      tr.setDirection('sendrecv');
      tr.onTrack.subscribe((track) => {
        tr.sender.replaceTrack(track).catch((err: Error) => this.fail(`cannot echo audio: ${err.message}`));
      });
    });
    pc.onDataChannel.subscribe((dc) => {
      dc.onMessage.subscribe((data) => {
        if (dc.readyState === 'open') dc.send(data);
      });
    });
    pc.onIceCandidate.subscribe((c) => {
      if (c) this.localCandidates.push(c.candidate);
      const candidate: IceCandidate = c
        ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
        : null;
      this.emit({ type: 'local-candidate', candidate });
    });
    pc.connectionStateChange.subscribe((state) => {
      // werift calls a peer connection without transports "connected" (all of none are): only a real one
      // counts, and none can be real before the client has the answer.
      if (state === 'connected' && this.answered && !this.connected) {
        this.connected = true;
        this.emit({ type: 'connected' });
      } else if (state === 'failed') {
        this.fail('ICE or DTLS failed');
      }
    });
  }

  private fail(message: string): void {
    this.opts.log.info({ event: 'media-session-failed', port: this.port, message });
    this.emit({ type: 'failed', message });
  }

  /** Answers the offer; the answer and the local candidates arrive as events. */
  start(sdp: string): void {
    this.answering ??= this.answer(sdp).catch((err: Error) =>
      this.fail(`cannot answer the offer: ${err.message}`),
    );
  }

  private async answer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    // werift falls back to a hard-coded stun.l.google.com:19302 for every IPv4 socket even with
    // iceServers: [] (a DNS lookup and STUN traffic to Google, or a 5 s stall without DNS). The transports
    // exist from setRemoteDescription; gathering starts in setLocalDescription, so this is the one moment.
    for (const t of this.pc.iceTransports) t.connection.stunServer = undefined;
    // Gathering (host candidates only, so a few ms) completes inside setLocalDescription.
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    if (this.ending) return;
    // werift takes an offer without a usable media section (no m-line, or no ICE credentials) and answers
    // it, with no transport left to connect.
    if (this.pc.iceTransports.length === 0) throw new Error('no media section with ICE credentials');
    // When the port cannot be bound (another process holds it), werift leaves the candidate out and
    // carries on: a session that can never connect. Refuse it like a full range; a retry gets another port.
    if (!this.localCandidates.some((c) => isOwnUdpCandidate(c, this.port))) {
      this.opts.log.warn({ event: 'media-port-unavailable', port: this.port });
      this.emit({ type: 'busy', retryAfterS: 1 });
      return;
    }
    const answer = this.pc.localDescription?.sdp;
    if (!answer) throw new Error('no local description');
    this.answered = true;
    this.emit({ type: 'answer', sdp: answer });
  }

  addCandidate(candidate: IceCandidate): void {
    if (this.ending) return;
    this.pc.addIceCandidate(candidate).catch((err: Error) => {
      // One bad candidate is not worth the session: the others, or a peer-reflexive one, may still work.
      this.opts.log.debug({ event: 'remote-candidate-refused', err: err.message });
    });
  }

  /** Closes the peer connection and then releases the port. Idempotent: every call returns the same promise. */
  end(reason: EndReason): Promise<void> {
    this.ending ??= this.close(reason);
    return this.ending;
  }

  private async close(reason: EndReason): Promise<void> {
    const timeout = () => delay(CLOSE_WAIT_MS, 'timeout' as const, { ref: false });
    try {
      // Closing while werift is still binding could leave a socket open after close(): let the answer finish.
      if (this.answering) await Promise.race([this.answering, timeout()]);
      const closed = await Promise.race([this.pc.close().then(() => 'closed' as const), timeout()]);
      if (closed === 'timeout') this.opts.log.warn({ event: 'media-close-timeout', port: this.port });
    } catch (err) {
      this.opts.log.warn({ event: 'media-close-error', port: this.port, err: (err as Error).message });
    } finally {
      this.opts.log.info({ event: 'media-session-ended', port: this.port, reason });
      this.opts.onReleased();
    }
  }
}

/** "candidate:… 1 udp <priority> <address> <port> typ host …" on our port. */
function isOwnUdpCandidate(candidate: string, port: number): boolean {
  const f = candidate.split(' ');
  return f[2]?.toLowerCase() === 'udp' && Number(f[5]) === port && f[7] === 'host';
}
