/**
 * One media loopback session: a werift peer connection that answers the browser's offer on one media port,
 * sends the received audio RTP back on its own track (through DTLS-SRTP both ways) and echoes every data
 * channel message. It decides nothing about the protocol: it reports SessionEvents and the connection's core
 * decides what to send and when to end.
 *
 * The echo is 1:1 by construction: every RTP packet and every data channel message received is sent back
 * once, with the same payload (the received track is the sending track), so the relay never sends more than
 * the client sent it. Before werift sees anything, every datagram and ICE-TCP frame on the session's port
 * goes through its MediaGuard (core/media-guard.ts): credentials on STUN, authenticated sources only, a
 * size and a bitrate cap.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { RTCPeerConnection, type RTCPeerConnectionConfig, RTCRtpCodecParameters } from 'werift';
import type { IceCandidate } from '../../protocol/relay-messages.ts';
import { maxMessageBytes } from '../core/bitrate-cap.ts';
import type { CheckRateOptions } from '../core/check-rate.ts';
import type { EndReason } from '../core/connection-state.ts';
import { DtlsSeen } from '../core/dtls-seen.ts';
import type { SessionEvent } from '../core/handle-session-event.ts';
import { type DropReason, MAX_MEDIA_DATAGRAM_BYTES, MediaGuard } from '../core/media-guard.ts';
import type { OfferPlan } from '../core/offer-plan.ts';
import { ReceiveCounts } from '../core/receive-counts.ts';
import type { Logger } from '../logger.ts';
import { errorMessage } from '../session-scope.ts';
import { type DtlsSendInternals, renumberRepeatedRecords } from './dtls-record-numbers.ts';
import { type LeanDtlsInternals, LeanEcho, type LeanEchoParts, type LeanPairInternals } from './lean-echo.ts';
import type { NativeEcho } from './native/native-echo.ts';
import { NativeHandover } from './native/native-handover.ts';
import { dropSendHistory } from './no-send-history.ts';

/**
 * Which code echoes the audio: 'native' (native/: the add-on reads and echoes the session's socket itself
 * once the lean echo has the keys, for AEAD_AES_128_GCM sessions; the lean echo otherwise), 'lean'
 * (lean-echo.ts: Node's crypto, no werift RTP pipeline, once DTLS gave the keys) or 'werift' (its full
 * RTP/RTCP pipeline, every packet). All keep DTLS-SRTP end to end.
 */
export type EchoPath = 'native' | 'lean' | 'werift';

export interface EchoSessionOptions {
  /** The one media port this session may bind (UDP, and the passive ICE-TCP listener). */
  port: number;
  /** The IPv4 address the sockets bind to and the host candidate advertises. */
  address: string;
  /** An IPv6 address the same port is bound on as well, advertised as a second host candidate; null: none. */
  address6?: string | null;
  iceTcp: boolean;
  /** What core/offer-plan.ts decided to answer: the audio codec and the DTLS role. */
  plan: OfferPlan;
  onEvent: (event: SessionEvent) => void;
  /** Called exactly once, after the session's sockets are closed: only then may the port be reused. */
  onReleased: (reason: EndReason) => void;
  /** The inbound bitrate cap (see bitrate-cap.ts). */
  maxBitsPerSecond: number;
  /** Checks a second verified from sources not proven to receive (see check-rate.ts). */
  checkRate: CheckRateOptions;
  /** Default 'lean'. */
  echoPath?: EchoPath;
  /** The loaded add-on for echoPath 'native' (without it, 'native' echoes as 'lean'). */
  nativeEcho?: NativeEcho | null;
  /** A datagram or frame the guard dropped (for metrics; called often under attack, so it must be cheap). */
  onDrop?: (reason: DropReason, count?: number) => void;
  /** The native echo took this session's audio (svc_relay_native_echo_sessions_total). */
  onNativeEcho?: () => void;
  /** An exception thrown in one of this session's handlers: counted by the shell; the session then fails. */
  onError?: (err: unknown) => void;
  log: Logger;
  now?: () => number;
}

/** Incoming ICE-TCP connections one session's passive listener takes at once (a browser opens one or two). */
export const MAX_TCP_CONNECTIONS = 4;

/**
 * The parts of werift's ICE internals (0.25) the guard hooks into. ensureProtocol runs for every socket
 * (UDP, passive and active TCP) before it is bound; the UDP protocol hands each datagram to
 * datagramReceived, the TCP ones each RFC 4571 frame to handleFrame, both looked up on the instance.
 * echo-session.test.ts fails if a werift update renames them.
 */
type Addr = readonly [string, number];
interface GuardableConnection {
  localUsername: string;
  localPassword: string;
  /** Passwords by ufrag, which werift checks incoming requests against. */
  userHistory: Record<string, string>;
  nominated?: { remoteAddr: Addr };
  ensureProtocol(protocol: unknown): void;
}
interface ProtocolInternals {
  datagramReceived?: (data: Buffer, addr: Addr) => void;
  handleFrame?: (data: Buffer, addr: Addr) => void;
  /** Every datagram werift sends on a UDP socket: STUN answers, DTLS, SRTP (its checks too, were it full ICE). */
  sendStun?: (message: { bytes: Buffer }, addr: Addr) => Promise<void>;
  sendData?: (data: Buffer, addr: Addr) => Promise<void>;
  server?: Server;
}
/** werift's DTLS server keeps the cookie of its HelloVerifyRequest here (dtls.dtls.cookie). */
interface DtlsInternals {
  dtls?: { dtls?: { cookie?: Buffer } };
  role: string;
  remoteParameters?: { role?: string };
}

/**
 * werift's DTLS server socket (0.25): it hands every assembled flight to onHandleHandshakes, and keeps its
 * last flight (ChangeCipherSpec and Finished) in dtls.lastMessage.
 */
interface DtlsServerInternals {
  connected: boolean;
  dtls: { lastMessage?: Buffer[] };
  transport: { send(buf: Buffer): Promise<unknown> };
  onHandleHandshakes: (assembled: ReadonlyArray<{ msg_type: number }>) => Promise<void>;
}
interface DtlsTransportInternals {
  dtls?: DtlsServerInternals;
  onStateChange: { subscribe(fn: (state: string) => void): unknown };
}
/** Handshake types of the client's second flight (RFC 6347 flight 5): Certificate, CertificateVerify, ClientKeyExchange, Finished. */
const CLIENT_FINAL_FLIGHT = new Set([11, 15, 16, 20]);

/** werift's data channel (0.25) keeps the channel's DCEP parameters, which its SCTP sends with. */
interface DataChannelInternals {
  parameters: { maxRetransmits?: number | null };
}

/**
 * The client's probe channel asks for no retransmission (maxRetransmits 0), so a probe lost either way stays
 * lost and the probes measure loss. werift 0.25 tests the limit as `!!chunk.maxRetransmits && limit <
 * sentCount`, so 0 reads as "no limit" and it retransmitted every lost echo: the probes then saw only the
 * uplink's loss. Any limit between 0 and 1 gives what 0 means, abandoning an echo the first time it would be
 * sent again.
 */
export const NO_RETRANSMIT = 0.5;
function abandonUnacked(dc: DataChannelInternals): void {
  if (dc.parameters.maxRetransmits === 0) dc.parameters.maxRetransmits = NO_RETRANSMIT;
}

/** DTLS content type 22: a handshake record (a ClientHello carries the cookie back). */
const DTLS_HANDSHAKE = 22;

/**
 * The relay's ICE password: 24 random bytes in base64 (192 bits, ice-char only). werift's own is 22 hex
 * digits, 88 bits, short of what guessing MESSAGE-INTEGRITY should cost.
 */
function icePassword(): string {
  return randomBytes(24).toString('base64');
}

/** Longest wait for werift to finish answering or closing before the port is handed back anyway. */
const CLOSE_WAIT_MS = 2000;

export function peerConfig(
  opts: Pick<EchoSessionOptions, 'address' | 'address6' | 'iceTcp' | 'plan' | 'maxBitsPerSecond'>,
): RTCPeerConnectionConfig {
  const audio = opts.plan.audio;
  return {
    iceServers: [],
    // ICE-lite (RFC 8445 §2.5): the relay sends no connectivity checks, it only answers the client's, so a
    // check from a forged source gets one answer no larger than itself, not a train of checks back.
    iceLite: true,
    // One codec, the offer's own payload type: every echoed packet carries the type the client sent.
    codecs: {
      audio: audio
        ? [
            new RTCRtpCodecParameters({
              mimeType: `audio/${audio.name}`,
              clockRate: audio.clockRate,
              channels: audio.channels,
              payloadType: audio.payloadType,
            }),
          ]
        : [],
      video: [],
    },
    // A message this large, sent while audio flows, stays within the bitrate cap (see bitrate-cap.ts).
    maxMessageSize: maxMessageBytes(opts.maxBitsPerSecond),
    // No interface scan: the configured address is the only host address. With the scan on, werift adds
    // every non-loopback interface (binding them all to the one configured socket address, which races),
    // and advertises addresses the operator did not choose. An IPv6 media address is a second host candidate
    // on the same port (its own udp6 socket and, with ICE-TCP, its own listener), so IPv6 clients can use it.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: opts.address6 ? [opts.address, opts.address6] : [opts.address],
    iceInterfaceAddresses: opts.address6
      ? { udp4: opts.address, udp6: opts.address6 }
      : { udp4: opts.address },
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
  private overReported = false;
  /** Local candidates werift produced, to check it really bound our port. */
  private readonly localCandidates: string[] = [];
  readonly guard: MediaGuard;
  /** What arrived from the client, for its media-counts question (uplink loss). */
  readonly counts = new ReceiveCounts();
  /** What the DTLS handshake saw both ways, for the client whose DTLS did not finish (media-counts with dtls). */
  readonly dtlsSeen = new DtlsSeen();
  /** Protocols (sockets) the guard sits in front of: a test reads it to know the guard is in place. */
  guardedProtocols = 0;
  /** The lean echo of the audio (UDP), once the offer is answered, unless echoPath is 'werift'. */
  lean: LeanEcho | null = null;
  /** The native echo's handover, with echoPath 'native' and the add-on loaded. */
  native: NativeHandover | null = null;
  private readonly now: () => number;
  private readonly startedAt: number;

  constructor(opts: EchoSessionOptions) {
    this.opts = opts;
    this.port = opts.port;
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.guard = new MediaGuard({
      maxBitsPerSecond: opts.maxBitsPerSecond,
      dtlsClient: opts.plan.dtlsRole === 'client',
      checkRate: opts.checkRate,
    });
    this.pc = new RTCPeerConnection(peerConfig(opts));
    // werift's constructor refuses a one-port range ("should not be same value"), yet binds a single port
    // fine: transports read the range when setRemoteDescription creates them, so it is set here instead.
    this.pc.config.icePortRange = [opts.port, opts.port];
    this.wire();
  }

  private emit(event: SessionEvent): void {
    if (!this.ending) this.opts.onEvent(event);
  }

  /**
   * A handler werift calls, made safe: an exception in it fails this session (and is counted) instead of
   * escaping into werift, where it could be swallowed or reach the process.
   */
  private guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        this.opts.onError?.(err);
        this.fail(`internal error: ${errorMessage(err)}`);
      }
    };
  }

  private wire(): void {
    const { pc } = this;
    pc.onRemoteTransceiverAdded.subscribe(
      this.guarded((tr) => {
        if (tr.kind !== 'audio') {
          tr.setDirection('inactive');
          return;
        }
        // werift answers recvonly unless told otherwise, and the browser then gets no track to measure.
        tr.setDirection('sendrecv');
        dropSendHistory(tr.sender);
        tr.onTrack.subscribe(
          this.guarded((track) => {
            track.onReceiveRtp.subscribe(
              // werift's own echo path (not the lean one): its sender forwards each packet it receives.
              this.guarded((rtp) => {
                this.counts.audioIn(rtp.header.sequenceNumber);
                this.counts.echoOut();
              }),
            );
            tr.sender
              .replaceTrack(track)
              .catch((err: Error) => this.fail(`cannot echo audio: ${err.message}`));
          }),
        );
      }),
    );
    pc.onDataChannel.subscribe(
      this.guarded((dc) => {
        abandonUnacked(dc as unknown as DataChannelInternals);
        dc.onMessage.subscribe(
          this.guarded((data) => {
            this.counts.probeIn();
            if (dc.readyState !== 'open') return;
            dc.send(data);
            this.counts.echoOut();
          }),
        );
      }),
    );
    pc.onIceCandidate.subscribe(
      this.guarded((c) => {
        if (c) this.localCandidates.push(c.candidate);
        const candidate: IceCandidate = c
          ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
          : null;
        this.emit({ type: 'local-candidate', candidate });
      }),
    );
    pc.connectionStateChange.subscribe(
      this.guarded((state) => {
        // werift calls a peer connection without transports "connected" (all of none are): only a real one
        // counts, and none can be real before the client has the answer.
        if (state === 'connected' && this.answered && !this.connected) {
          this.connected = true;
          // A finished DTLS handshake needed what the relay sent to the selected address: it receives.
          this.proveNominated();
          this.emit({ type: 'connected' });
        } else if (state === 'failed') {
          // Which of the two: the client sees only "failed", the relay's log says where.
          const dtls = this.pc.dtlsTransports.map((t) => t.state).join(',') || 'none';
          this.fail(`ICE or DTLS failed (ICE ${this.pc.iceConnectionState}, DTLS ${dtls})`);
        }
      }),
    );
  }

  private fail(message: string): void {
    this.opts.log.info({ event: 'media-session-failed', port: this.port, message });
    this.emit({ type: 'failed', message });
  }

  private proveNominated(): void {
    for (const t of this.pc.iceTransports) {
      const nominated = (t.connection as unknown as GuardableConnection).nominated;
      if (nominated) this.guard.prove(`${nominated.remoteAddr[0]}:${nominated.remoteAddr[1]}`);
    }
  }

  /**
   * Whether a datagram carries back the cookie the relay's DTLS server sent (in a HelloVerifyRequest, to the
   * selected address only): then that address receives, and the rest of the handshake may go to it.
   */
  private returnsCookie(data: Buffer): boolean {
    if (data[0] !== DTLS_HANDSHAKE) return false;
    for (const t of this.pc.dtlsTransports as unknown as DtlsInternals[]) {
      const cookie = t.dtls?.dtls?.cookie;
      if (cookie && cookie.length > 0 && data.includes(cookie)) return true;
    }
    return false;
  }

  /**
   * RFC 6347 §4.2.4: when the client's last flight comes again, the server's answer to it was lost, and the
   * server must send that answer again. werift's DTLS server ignores any flight after it connected, so a lost
   * ChangeCipherSpec/Finished on a lossy downlink left the browser retransmitting into silence until its DTLS
   * timed out: a lossy path reported as a DTLS failure. The server socket exists once the transport starts
   * connecting; from then on a repeated final flight gets the last flight again, and every record werift
   * sends again leaves with a new number (dtls-record-numbers.ts: Firefox drops a repeated number as a replay).
   */
  private repeatLastFlight(): void {
    for (const t of this.pc.dtlsTransports as unknown as DtlsTransportInternals[]) {
      t.onStateChange.subscribe(
        this.guarded((state) => {
          if (state !== 'connecting') return;
          // werift announces "connecting" just before it makes the socket, in the same turn.
          queueMicrotask(
            this.guarded(() => {
              // Before anything is sent: every flight sent again, the repeated last flight included.
              if (t.dtls) {
                renumberRepeatedRecords(t.dtls);
                this.countSends(t.dtls);
              }
              if (this.opts.plan.dtlsRole === 'server') this.answerRepeatedFlight(t.dtls);
            }),
          );
        }),
      );
    }
  }

  /** Every datagram the DTLS socket sends, counted in dtlsSeen on its way out. */
  private countSends(socket: DtlsSendInternals): void {
    const send = socket.transport.send;
    socket.transport.send = (data, ...rest) => {
      this.dtlsSeen.sent(data);
      return send(data, ...rest);
    };
  }

  private answerRepeatedFlight(server: DtlsServerInternals | undefined): void {
    if (!server) return;
    const handle = server.onHandleHandshakes;
    server.onHandleHandshakes = (assembled) => {
      if (!server.connected || !assembled.some((h) => CLIENT_FINAL_FLIGHT.has(h.msg_type))) {
        return handle(assembled);
      }
      this.opts.log.info({ event: 'dtls-final-flight-repeated', port: this.port });
      for (const buf of server.dtls.lastMessage ?? []) void server.transport.send(buf).catch(() => undefined);
      return Promise.resolve();
    };
  }

  /** Puts the guard in front of every socket werift is about to open for these transports. */
  private installGuard(): void {
    for (const t of this.pc.iceTransports) {
      const connection = t.connection as unknown as GuardableConnection;
      const ensureProtocol = connection.ensureProtocol.bind(connection);
      connection.ensureProtocol = (protocol: unknown) => {
        this.guardProtocol(protocol as ProtocolInternals, connection);
        ensureProtocol(protocol);
      };
    }
  }

  private lastIp = '';
  private lastPort = -1;
  private lastSource = '';

  /** The guard's key of an address ("ip:port"), made once while the address stays the same (every packet). */
  private sourceKey(addr: Addr): string {
    if (addr[0] !== this.lastIp || addr[1] !== this.lastPort) {
      this.lastIp = addr[0];
      this.lastPort = addr[1];
      this.lastSource = `${addr[0]}:${addr[1]}`;
    }
    return this.lastSource;
  }

  private guardProtocol(protocol: ProtocolInternals, connection: GuardableConnection): void {
    let credentials = { ufrag: '', pwd: '' };
    const admit = (data: Buffer, addr: Addr): boolean => {
      if (credentials.ufrag !== connection.localUsername || credentials.pwd !== connection.localPassword) {
        credentials = { ufrag: connection.localUsername, pwd: connection.localPassword };
      }
      const verdict = this.guard.inspect(data, this.sourceKey(addr), credentials, this.now());
      if (verdict.pass) {
        this.dtlsSeen.received(data);
        if (this.returnsCookie(data)) this.proveNominated();
        return true;
      }
      this.opts.onDrop?.(verdict.reason);
      if (verdict.reason === 'over-bitrate') this.overBitrate();
      return false;
    };
    for (const method of ['datagramReceived', 'handleFrame'] as const) {
      const original = protocol[method];
      if (typeof original !== 'function') continue;
      const bound = original.bind(protocol);
      const lean = method === 'datagramReceived';
      protocol[method] = (data: Buffer, addr: Addr) => {
        if (admit(data, addr) && !(lean && this.leanTook(data))) bound(data, addr);
      };
      this.guardedProtocols++;
    }
    // Outbound on UDP: nothing beyond what the destination has earned (see MediaGuard.mayEgress). A TCP
    // peer completed the kernel's handshake, which proves it receives.
    if (typeof protocol.datagramReceived === 'function') this.guardEgress(protocol);
    // The passive ICE-TCP listener accepts anyone; without a cap, idle connections would pile up.
    if (protocol.server) protocol.server.maxConnections = MAX_TCP_CONNECTIONS;
  }

  /** The session went over its bitrate cap: said once (the shell then ends the session). */
  private overBitrate(): void {
    if (this.overReported) return;
    this.overReported = true;
    this.opts.log.warn({
      event: 'media-session-over-bitrate',
      port: this.port,
      kbps: Math.round(this.guard.bitsPerSecond() / 1000),
      capKbps: Math.round(this.opts.maxBitsPerSecond / 1000),
    });
    this.emit({ type: 'over-bitrate' });
  }

  /** Whether the lean echo handled this datagram; an exception in it fails the session, like a handler's. */
  private leanTook(data: Buffer): boolean {
    if (!this.lean) return false;
    try {
      const took = this.lean.take(data);
      if (took) this.native?.maybeAttach();
      return took;
    } catch (err) {
      this.opts.onError?.(err);
      this.fail(`internal error: ${errorMessage(err)}`);
      return true;
    }
  }

  /** The lean echo over werift's audio transceiver and its (bundled) DTLS and ICE transports. */
  private attachLean(): void {
    const path = this.opts.echoPath ?? 'lean';
    if (path === 'werift') return;
    const tr = this.pc.getTransceivers().find((t) => t.kind === 'audio' && t.sender.dtlsTransport);
    if (!tr) return;
    const dtls = tr.sender.dtlsTransport;
    const connection = dtls.iceTransport.connection as unknown as { nominated?: LeanPairInternals };
    const parts: LeanEchoParts = {
      dtls: dtls as unknown as LeanDtlsInternals,
      sender: tr.sender as unknown as LeanEchoParts['sender'],
      receiver: tr.receiver as unknown as LeanEchoParts['receiver'],
      nominated: () => connection.nominated,
      onReceived: (seq, atMs) => this.counts.audioIn(seq, atMs),
      send: (srtp, pair) => this.sendEcho(srtp, pair),
    };
    this.lean = new LeanEcho(parts);
    if (path === 'native' && this.opts.nativeEcho) this.native = this.handover(this.opts.nativeEcho, parts);
  }

  private handover(echo: NativeEcho, parts: LeanEchoParts): NativeHandover | null {
    if (!this.lean) return null;
    return new NativeHandover({
      echo,
      lean: this.lean,
      dtls: parts.dtls,
      sender: parts.sender,
      nominated: parts.nominated,
      sourceKey: (addr) => this.sourceKey(addr),
      isProven: (source) => this.guard.isProven(source),
      headroom: (now) => this.guard.headroom(now),
      countPassed: (bytes, source, now) => this.guard.countPassed(bytes, source, now),
      maxDatagram: MAX_MEDIA_DATAGRAM_BYTES,
      onEchoed: (atMs) => this.counts.echoOut(atMs),
      onDrop: (reason, count) => this.opts.onDrop?.(reason, count),
      onOverBitrate: () => this.overBitrate(),
      onAttached: () => this.opts.onNativeEcho?.(),
      now: this.now,
    });
  }

  /**
   * One echo of the lean path, through the egress guard like all the relay sends, then straight to the UDP
   * socket werift bound for the pair: werift's sendData wraps every datagram in two promises and an address
   * check. A socket closed meanwhile (the session ended this turn) drops it, as werift's own send does.
   */
  private sendEcho(srtp: Buffer, pair: LeanPairInternals): void {
    const addr = pair.remoteAddr;
    const transport = pair.protocol.transport;
    if (transport?.type !== 'udp') {
      this.counts.echoOut();
      void pair.protocol.sendData(srtp, addr).catch(() => undefined);
      return;
    }
    if (transport.closed) return;
    if (!this.guard.mayEgress(this.sourceKey(addr), srtp)) {
      this.opts.onDrop?.('egress-unproven');
      return;
    }
    try {
      transport.socket.send(srtp, addr[1], addr[0]);
      this.counts.echoOut();
    } catch {
      // Closed between the check and the send: the session is ending, and so is its echo.
    }
  }

  private guardEgress(protocol: ProtocolInternals): void {
    const allowed = (data: Buffer, addr: Addr): boolean => {
      if (this.guard.mayEgress(this.sourceKey(addr), data)) return true;
      this.opts.onDrop?.('egress-unproven');
      return false;
    };
    const { sendStun, sendData } = protocol;
    if (sendStun) {
      const bound = sendStun.bind(protocol);
      protocol.sendStun = (message, addr) =>
        allowed(message.bytes, addr) ? bound(message, addr) : Promise.resolve();
    }
    if (sendData) {
      const bound = sendData.bind(protocol);
      protocol.sendData = (data, addr) => (allowed(data, addr) ? bound(data, addr) : Promise.resolve());
    }
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
    for (const t of this.pc.iceTransports) {
      t.connection.stunServer = undefined;
      const connection = t.connection as unknown as GuardableConnection;
      connection.localPassword = icePassword();
      connection.userHistory[connection.localUsername] = connection.localPassword;
    }
    // werift answers every offer a=setup:active, whatever the offer said (an offer's active got active): the
    // role core/offer-plan.ts chose goes on every transport before the answer is made from them.
    for (const t of this.pc.dtlsTransports as unknown as DtlsInternals[]) t.role = this.opts.plan.dtlsRole;
    // Also the one moment to hook the sockets: gathering creates and binds them.
    this.installGuard();
    this.repeatLastFlight();
    // Gathering (host candidates only, so a few ms) completes inside setLocalDescription.
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    if (this.ending) return;
    // werift takes an offer without a usable media section (no m-line, or no ICE credentials) and answers
    // it, with no transport left to connect.
    if (this.pc.iceTransports.length === 0) throw new Error('no media section with ICE credentials');
    // When the port cannot be bound (another process holds it), werift leaves the candidate out and
    // carries on: a session that can never connect (or, on IPv6, not for clients that prefer it). Refuse it
    // like a full range; a retry gets another port.
    const addresses = [this.opts.address, this.opts.address6].filter((a): a is string => Boolean(a));
    if (!addresses.every((a) => this.localCandidates.some((c) => isOwnUdpCandidate(c, a, this.port)))) {
      this.opts.log.warn({ event: 'media-port-unavailable', port: this.port });
      this.emit({ type: 'busy', retryAfterS: 1 });
      return;
    }
    const answer = this.pc.localDescription?.sdp;
    if (!answer) throw new Error('no local description');
    this.attachLean();
    this.answered = true;
    this.emit({ type: 'answer', sdp: answer });
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
      // The add-on lets go of the socket before werift closes it (its close does this too).
      this.native?.stop(false);
      const closed = await Promise.race([this.pc.close().then(() => 'closed' as const), timeout()]);
      if (closed === 'timeout') this.opts.log.warn({ event: 'media-close-timeout', port: this.port });
    } catch (err) {
      this.opts.log.warn({ event: 'media-close-error', port: this.port, err: (err as Error).message });
    } finally {
      const seconds = (this.now() - this.startedAt) / 1000;
      this.opts.log.info({
        event: 'media-session-ended',
        port: this.port,
        reason,
        // What the client sent, all headers counted: what --max-session-kbps is measured against.
        inKbps: seconds > 0 ? Math.round((this.guard.passedBytes * 8) / seconds / 1000) : 0,
      });
      this.opts.onReleased(reason);
    }
  }
}

/** "candidate:… 1 udp <priority> <address> <port> typ host …" on our address and port. */
function isOwnUdpCandidate(candidate: string, address: string, port: number): boolean {
  const f = candidate.split(' ');
  return (
    f[2]?.toLowerCase() === 'udp' &&
    f[4]?.toLowerCase() === address &&
    Number(f[5]) === port &&
    f[7] === 'host'
  );
}
