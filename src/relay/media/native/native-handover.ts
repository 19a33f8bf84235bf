/**
 * Hands one session's audio echo from the lean echo (JavaScript) to the native echo (udp-echo.cc) once the
 * lean echo has taken its first packet: DTLS connected and the keys known, the profile AEAD_AES_128_GCM
 * (AES-CM sessions stay with the lean echo), the codec known, the user's browser nominated a UDP pair and
 * that address has proven it receives. From then on Node no longer reads the session's socket
 * (`recvStop`); the add-on reads it (in its echo thread, or polling in the main loop with
 * --native-echo-thread off) and echoes audio from the nominated address, and every other datagram comes
 * back here in the main loop, in one call per batch, and is emitted on the socket as Node would have, so
 * the MediaGuard and werift see it exactly as before.
 *
 * What the relay's figures need per packet comes from the add-on in bulk (drain): media-counts and the
 * per-second counts at each packet's arrival time, the receive statistics of the relay's receiver reports,
 * the sender report's packet and octet counts; the bytes count against the session's bitrate cap, and the
 * add-on echoes only within the headroom the cap leaves (what is beyond goes to the guard, which drops it).
 * Drained every DRAIN_MS, when the add-on's ring is half full, and before anyone reads the counts.
 *
 * The add-on reads its own copy of the socket's descriptor; it stops (and closes the copy) before werift
 * closes the socket, so a descriptor number the kernel hands out again is never read for a dead session.
 */
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { DropReason } from '../../core/media-guard.ts';
import type { LeanDtlsInternals, LeanEcho, LeanPairInternals } from '../lean-echo.ts';
import { DRAIN_FIELDS, type NativeEcho, type NativeHandle, STAT } from './native-echo.ts';
import { type UdpHandle, udpHandleOf } from './udp-handle.ts';

/** How often the add-on's figures are collected while no batch brought anything to JavaScript. */
export const DRAIN_MS = 100;
/** The add-on's ring holds 512 packets and hands over at 256: this drains it whole in one call. */
const RING = 512;
/** AEAD_AES_128_GCM's DTLS-SRTP profile number (RFC 7714 §14.2). */
const GCM_PROFILE = 7;

export interface HandoverParts {
  echo: NativeEcho;
  lean: LeanEcho;
  dtls: LeanDtlsInternals;
  sender: { ssrc: number; codec?: { payloadType: number } };
  nominated: () => LeanPairInternals | undefined;
  /** The MediaGuard's view, for the address key the guard uses ("ip:port"). */
  sourceKey: (addr: readonly [string, number]) => string;
  isProven: (source: string) => boolean;
  headroom: (now: number) => number;
  countPassed: (bytes: number, source: string, now: number) => boolean;
  maxDatagram: number;
  /** One echoed packet for the per-second counts, at its time (performance clock, ms). */
  onEchoed: (atMs: number) => void;
  /** `count` of them at once (default 1): the add-on's counts arrive in bulk. */
  onDrop: (reason: DropReason, count?: number) => void;
  /** The session went over its bitrate cap through the native echo's bytes. */
  onOverBitrate: () => void;
  /** The add-on took the session's audio (once per session at most). */
  onAttached: () => void;
  now: () => number;
}

/**
 * Whether the add-on can address this peer. It parses addresses with inet_pton, which refuses an IPv6 zone
 * ("fe80::1%eth0", a relay on a link-local --media-address6): such a session stays on the lean echo
 * instead of failing with an internal error.
 */
export function addressable(address: string): boolean {
  return !address.includes('%');
}

/** The add-on's own drops, by the reason they are counted under, and its figure. */
const NATIVE_DROPS: ReadonlyArray<readonly [DropReason, number]> = [
  ['oversized', STAT.oversized],
  ['echo-send-failed', STAT.sendFailed],
  ['queue-full', STAT.queueDropped],
];

const live = new Set<NativeHandover>();
let timer: NodeJS.Timeout | null = null;

function drainAll(): void {
  for (const h of live) h.drain();
}

export class NativeHandover {
  private readonly parts: HandoverParts;
  private handle: NativeHandle | null = null;
  private socket: Socket | null = null;
  private udp: UdpHandle | null = null;
  private peer = '';
  private done = false;
  /** Performance clock minus the add-on's clock (both monotonic). */
  private clockOffset = 0;
  private readonly entries = new Float64Array(RING * DRAIN_FIELDS);
  private readonly figures = new Float64Array(STAT.queueDropped + 1);
  private readonly seen = new Float64Array(STAT.queueDropped + 1);
  /** Echoed by the add-on (a test reads it to know the native path, not JavaScript, did the echo). */
  echoed = 0;
  /** Datagrams from the nominated address the add-on refused (not authentic) or dropped (oversized). */
  refused = 0;

  constructor(parts: HandoverParts) {
    this.parts = parts;
  }

  /** Whether the add-on reads the session's socket now. */
  get active(): boolean {
    return this.handle !== null && this.parts.echo.polling(this.handle);
  }

  /** Takes over if everything is in place; called after the lean echo took a packet. Cheap when done. */
  maybeAttach(): void {
    if (this.done) return;
    const { lean, dtls, sender } = this.parts;
    const srtp = dtls.srtp;
    if (!lean.keyed || !srtp || !sender.codec) return;
    if (srtp.config.profile !== GCM_PROFILE) {
      this.done = true;
      return;
    }
    const pair = this.parts.nominated();
    const transport = pair?.protocol.transport;
    if (!pair || transport?.type !== 'udp' || transport.closed) return;
    const source = this.parts.sourceKey(pair.remoteAddr);
    if (!this.parts.isProven(source)) return;
    if (!addressable(pair.remoteAddr[0])) {
      this.done = true;
      return;
    }
    const socket = transport.socket as unknown as Socket;
    const udp = udpHandleOf(socket);
    if (!udp) {
      this.done = true;
      return;
    }
    this.done = true;
    const rollover = lean.remoteRollover();
    const { echo } = this.parts;
    this.handle = echo.attach({
      fd: udp.fd,
      peerAddress: pair.remoteAddr[0],
      peerPort: pair.remoteAddr[1],
      remoteKey: srtp.remoteContext.srtpSessionKey,
      remoteSalt: srtp.remoteContext.srtpSessionSalt,
      localKey: srtp.localContext.srtpSessionKey,
      localSalt: srtp.localContext.srtpSessionSalt,
      ssrc: sender.ssrc >>> 0,
      payloadType: sender.codec.payloadType,
      maxDatagram: this.parts.maxDatagram,
      budget: this.parts.headroom(this.parts.now()),
      roc: rollover.roc,
      highestSeq: rollover.highest,
      onBatch: (others) => this.onBatch(others),
    });
    this.parts.onAttached();
    this.clockOffset = performance.now() - echo.nowMs();
    this.socket = socket;
    this.udp = udp;
    this.peer = source;
    udp.recvStop();
    // Before werift (or anyone) closes the socket, the add-on lets go of it.
    const close = socket.close.bind(socket);
    socket.close = ((...args: Parameters<Socket['close']>) => {
      this.stop(false);
      return close(...args);
    }) as Socket['close'];
    live.add(this);
    timer ??= setInterval(drainAll, DRAIN_MS).unref();
  }

  /** A batch's datagrams that were not the add-on's to echo: to werift through the socket, as Node would. */
  private onBatch(others: Array<Buffer | string | number>): void {
    this.drain();
    this.emit(others);
    this.followNomination();
  }

  private emit(others: Array<Buffer | string | number>): void {
    const socket = this.socket;
    if (!socket) return;
    for (let i = 0; i + 2 < others.length; i += 3) {
      const data = others[i] as Buffer;
      const address = others[i + 1] as string;
      const port = others[i + 2] as number;
      const family = address.includes(':') ? 'IPv6' : 'IPv4';
      socket.emit('message', data, { address, family, port, size: data.length });
    }
  }

  /** The browser nominated another pair (it may, as ICE's controlling side): echo there from now on. */
  private followNomination(): void {
    const handle = this.handle;
    const pair = this.parts.nominated();
    if (!handle || !pair || !this.active) return;
    const source = this.parts.sourceKey(pair.remoteAddr);
    if (source === this.peer || !this.parts.isProven(source)) return;
    if (!addressable(pair.remoteAddr[0])) {
      this.stop(true);
      return;
    }
    this.parts.echo.setPeer(handle, { peerAddress: pair.remoteAddr[0], peerPort: pair.remoteAddr[1] });
    this.peer = source;
  }

  /** Collects what the add-on echoed since the last call into the session's figures. */
  drain(): void {
    const handle = this.handle;
    if (!handle) return;
    const { echo, lean } = this.parts;
    for (;;) {
      const n = echo.drain(handle, this.entries);
      for (let i = 0; i < n; i++) {
        const e = i * DRAIN_FIELDS;
        const at = (this.entries[e + 3] as number) + this.clockOffset;
        const sent = this.entries[e + 5] === 1;
        lean.recordNative(
          this.entries[e] as number,
          this.entries[e + 1] as number,
          this.entries[e + 2] as number,
          at,
          this.entries[e + 4] as number,
          sent,
        );
        if (sent) this.parts.onEchoed(at);
      }
      if (n < RING) break;
    }
    echo.stats(handle, this.figures);
    const delta = (stat: number) => (this.figures[stat] as number) - (this.seen[stat] as number);
    const bytes = delta(STAT.passedBytes);
    const oversized = delta(STAT.oversized);
    this.echoed += delta(STAT.echoed);
    this.refused += delta(STAT.refused) + oversized;
    // What the add-on dropped, for the operator's svc_relay_media_dropped_total beside the guard's reasons.
    for (const [reason, stat] of NATIVE_DROPS) {
      const n = delta(stat);
      if (n > 0) this.parts.onDrop(reason, n);
    }
    this.seen.set(this.figures);
    const now = this.parts.now();
    if (bytes > 0 && !this.parts.countPassed(bytes, this.peer, now)) {
      this.stop(true);
      this.parts.onOverBitrate();
      return;
    }
    if (this.active) echo.setBudget(handle, this.parts.headroom(now));
  }

  /**
   * Stops the add-on (idempotent). `resume`: Node reads the socket again (the session goes on without the
   * add-on); otherwise the socket is closing.
   */
  stop(resume: boolean): void {
    const handle = this.handle;
    if (!handle || !this.parts.echo.polling(handle)) return;
    // From here the add-on no longer reads the socket; what its thread read and had not handed over yet
    // goes to werift before Node reads again (on a closing socket it is no one's).
    const left = this.parts.echo.detach(handle);
    live.delete(this);
    if (live.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
    this.drain();
    if (!resume) return;
    this.emit(left);
    this.udp?.recvStart();
  }
}
