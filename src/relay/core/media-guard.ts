/**
 * What one media session lets through to werift, without sockets: every datagram (and every ICE-TCP
 * frame) that reaches the session's port is judged here first, and only what passes is handed on.
 *
 * werift on its own answers any STUN Binding Request, whatever its USERNAME and MESSAGE-INTEGRITY
 * (RFC 8445 §7.3 says it must not), answers other STUN methods with an error larger than the request, and
 * hands any other datagram to DTLS/SRTP whatever its source. So:
 *
 * - A Binding Request passes only if USERNAME starts with this session's ufrag and MESSAGE-INTEGRITY is made
 *   with its password, which only the client that got the answer over WSS knows. Its source then counts as
 *   authenticated: the one kind of address the relay ever sends to (answers, its own checks back, DTLS).
 *   A request smaller than the largest answer werift could send is dropped, so no answer amplifies.
 * - Everything else (STUN responses, DTLS, SRTP, SRTCP) passes only from an authenticated source.
 * - Checks from a source not proven to receive are rate-limited per source and per session before their
 *   MESSAGE-INTEGRITY is computed (check-rate.ts), so forged sources cannot make the relay verify and answer
 *   checks as fast as they can send them; a proven source's checks are never limited.
 * - Datagrams larger than a path MTU are dropped before anything parses them.
 * - RTP whose header claims more CSRCs or header extension than the packet holds is dropped: werift parses
 *   the header before it checks the SRTP tag, and walks a lying extension length (up to 256 KiB) with a
 *   quadratic copy, which froze the process for over a minute on one 40-byte packet (found by
 *   relay-fuzz.test.ts; the input is in test/fixtures/fuzz/).
 * - Bytes that pass count against the session's bitrate cap; once over it, nothing more passes and the
 *   shell ends the session.
 *
 * And what the relay sends (egress), since a source address can be forged: the relay runs ICE-lite (it
 * sends no connectivity checks of its own, only answers), and every UDP datagram it sends goes through
 * mayEgress. To an address that has not proven it receives what the relay sends, the relay sends at most as
 * many bytes as it has received from that address: never more out than in, so a forged check cannot make
 * it a reflector that amplifies. An address proves it receives by returning a secret that was sent only to
 * it: the cookie of the relay's DTLS HelloVerifyRequest, or a completed DTLS handshake (see echo-session.ts).
 * Over TCP the kernel's handshake has proven that already.
 *
 * One exception, for offers with a=setup:passive (which browsers never send): there the relay must be the
 * DTLS client and speak first, and a client has sent only its two or three checks by then, fewer bytes than
 * their answers and a ClientHello. The relay then sends its first ClientHello once (no retransmission before
 * the address proves itself), at most FIRST_FLIGHT_BYTES, to the address the client nominated.
 */
import { BitrateCap } from './bitrate-cap.ts';
import { CheckRate, type CheckRateOptions } from './check-rate.ts';
import {
  ATTRIBUTE,
  hasValidIntegrity,
  MESSAGE_TYPE,
  parseStun,
  protectedAttributes,
  type StunMessage,
  usernameOf,
} from './stun/stun-message.ts';

/** Larger than any Ethernet-path datagram: audio RTP is ~100-200 bytes, browsers keep DTLS and SCTP under ~1200. */
export const MAX_MEDIA_DATAGRAM_BYTES = 1500;

/**
 * The largest answer werift sends to an authenticated check: a 487 Role Conflict error (header 20,
 * ERROR-CODE 20, MESSAGE-INTEGRITY 24, FINGERPRINT 8). A success answer is 64 bytes; a browser's check,
 * with USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY and FINGERPRINT, is at least 84.
 */
export const MIN_CHECK_BYTES = 72;

/** The one ClientHello the relay as DTLS client may send unproven (werift's is 111 bytes). */
export const FIRST_FLIGHT_BYTES = 256;

/** Sources one session authenticates at most: a browser checks from a handful of local candidates. */
export const MAX_AUTHENTICATED_SOURCES = 16;

export const DROP_REASONS = [
  'oversized',
  /** Not a Binding Request, and its source never sent one with this session's credentials. */
  'unknown-source',
  /** A STUN header whose lengths, attributes or FINGERPRINT do not add up. */
  'stun-malformed',
  /** An indication, or a request for a method other than Binding. */
  'stun-not-binding',
  /** No USERNAME or no MESSAGE-INTEGRITY. */
  'stun-no-credentials',
  /** USERNAME does not start with this session's ufrag (another session's, a guess, or stale). */
  'stun-bad-ufrag',
  'stun-bad-integrity',
  /** Smaller than the answer would be. */
  'stun-too-small',
  'too-many-sources',
  /** A check from an unproven source over that source's rate (see check-rate.ts), not verified. */
  'check-rate-source',
  /** A check from an unproven source over the session's rate for all of them, not verified. */
  'check-rate-session',
  /** RTP whose CSRC count or header extension length runs past the end of the packet. */
  'rtp-malformed',
  /** The session is over its bitrate cap. */
  'over-bitrate',
  /** Outbound: to an address not proven to receive, more than it sent (see mayEgress). */
  'egress-unproven',
  /**
   * The native echo's (native-handover.ts): an echo the kernel would not take (sendmmsg failed, a full send
   * queue), lost as a datagram the kernel drops would be.
   */
  'echo-send-failed',
  /**
   * The native echo's: a datagram for the main loop (STUN, DTLS, RTCP, a stranger's) its echo thread dropped
   * because that session already had 512 waiting while JavaScript was busy.
   */
  'queue-full',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export type Verdict = { pass: true } | { pass: false; reason: DropReason };

/** The verdict of every datagram that passes: one object, not one per audio packet. */
const PASS: Verdict = Object.freeze({ pass: true });

export interface SessionCredentials {
  /** The relay's (local) ICE ufrag and password for this session, as in its answer. */
  ufrag: string;
  pwd: string;
}

export interface MediaGuardOptions {
  maxBitsPerSecond: number;
  /** The relay is the DTLS client (the offer said a=setup:passive): see FIRST_FLIGHT_BYTES. */
  dtlsClient?: boolean;
  maxDatagramBytes?: number;
  maxSources?: number;
  /** Checks a second verified from unproven sources (`--unproven-checks-per-source` and `-per-session`). */
  checkRate: CheckRateOptions;
}

/** STUN class bits (RFC 5389 §6): C1 is 0x0100, C0 is 0x0010. */
const CLASS_MASK = 0x0110;
const CLASS_REQUEST = 0x0000;
const CLASS_INDICATION = 0x0010;

export class MediaGuard {
  private readonly authenticated = new Set<string>();
  /** Bytes that passed from each authenticated source, and bytes sent to it while it was not proven. */
  private readonly received = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private readonly proven = new Set<string>();
  /** Whether the DTLS client's one unproven ClientHello is still to go. */
  private firstFlight: boolean;
  private readonly bitrate: BitrateCap;
  private readonly maxDatagramBytes: number;
  private readonly maxSources: number;
  private readonly checkRate: CheckRate;
  private over = false;
  /** Bytes that passed, over the whole session (for the log line at its end). */
  passedBytes = 0;
  /** MESSAGE-INTEGRITY (HMAC-SHA1) computations so far: what a flood of checks costs the relay. */
  integrityChecks = 0;

  constructor(opts: MediaGuardOptions) {
    this.bitrate = new BitrateCap({ maxBitsPerSecond: opts.maxBitsPerSecond });
    this.maxDatagramBytes = opts.maxDatagramBytes ?? MAX_MEDIA_DATAGRAM_BYTES;
    this.maxSources = opts.maxSources ?? MAX_AUTHENTICATED_SOURCES;
    this.firstFlight = opts.dtlsClient ?? false;
    this.checkRate = new CheckRate(opts.checkRate);
  }

  /** Whether the session went over its bitrate cap (it stays over: the shell ends it). */
  get overBitrate(): boolean {
    return this.over;
  }

  /** Average inbound bits per second over the cap's window, as of the last datagram that passed. */
  bitsPerSecond(): number {
    return this.bitrate.bitsPerSecond();
  }

  /**
   * Judges one datagram from `source` ("address:port" or any stable key for it). `credentials` is null
   * while werift has none yet (then no request can be checked, and none passes).
   */
  inspect(data: Uint8Array, source: string, credentials: SessionCredentials | null, now: number): Verdict {
    const drop = (reason: DropReason): Verdict => ({ pass: false, reason });
    if (this.over) return drop('over-bitrate');
    if (data.length > this.maxDatagramBytes) return drop('oversized');
    // The top two bits are zero in every STUN message (RFC 5389 §6): RTP, RTCP and DTLS skip the parse.
    const parsed = ((data[0] ?? 0) & 0xc0) === 0 ? parseStun(data) : null;
    if (parsed && !parsed.ok && parsed.reason !== 'not-stun') return drop('stun-malformed');
    if (parsed?.ok) {
      const { message } = parsed;
      const cls = message.type & CLASS_MASK;
      if (cls === CLASS_INDICATION) return drop('stun-not-binding');
      if (cls === CLASS_REQUEST) {
        if (message.type !== MESSAGE_TYPE.BINDING_REQUEST) return drop('stun-not-binding');
        // Everything cheap first; the HMAC last, and only within the unproven sources' check rate.
        const reason = checkCredentials(message, credentials);
        if (reason || !credentials) return drop(reason ?? 'stun-bad-ufrag');
        if (data.length < MIN_CHECK_BYTES) return drop('stun-too-small');
        const known = this.authenticated.has(source);
        if (!known && this.authenticated.size >= this.maxSources) return drop('too-many-sources');
        if (!this.proven.has(source)) {
          const rate = this.checkRate.take(source, now);
          if (rate !== 'ok') return drop(rate === 'source' ? 'check-rate-source' : 'check-rate-session');
        }
        this.integrityChecks++;
        if (!hasValidIntegrity(message, credentials.pwd)) return drop('stun-bad-integrity');
        if (!known) this.authenticated.add(source);
        return this.count(data.length, source, now);
      }
      // A response: werift itself matches it to a transaction of its own and checks its integrity.
    }
    if (!this.authenticated.has(source)) return drop('unknown-source');
    if (!rtpHeaderFits(data)) return drop('rtp-malformed');
    return this.count(data.length, source, now);
  }

  /**
   * Whether the relay may send `size` bytes to `destination` now (counted if so). A proven address takes
   * anything (the echo is one out per one in and the bitrate cap holds what comes in); any other, only up
   * to what it has sent the relay, responses to its checks included.
   */
  mayEgress(destination: string, data: Uint8Array): boolean {
    if (this.proven.has(destination)) return true;
    const sent = (this.sent.get(destination) ?? 0) + data.length;
    if (sent <= (this.received.get(destination) ?? 0)) {
      this.sent.set(destination, sent);
      return true;
    }
    if (this.firstFlight && this.authenticated.has(destination) && isClientHello(data)) {
      if (data.length > FIRST_FLIGHT_BYTES) return false;
      this.firstFlight = false;
      this.sent.set(destination, sent);
      return true;
    }
    return false;
  }

  /**
   * Bytes the bitrate cap still allows now: the native echo (media/native/) passes audio from the proven
   * nominated address on its own up to this, and reports them with countPassed.
   */
  headroom(now: number): number {
    return this.over ? 0 : this.bitrate.headroom(now);
  }

  /** Bytes from `source` that passed outside inspect (the native echo's audio); false once over the cap. */
  countPassed(size: number, source: string, now: number): boolean {
    if (this.over) return false;
    return this.count(size, source, now).pass;
  }

  /** `destination` has shown it receives what the relay sends (only ever an authenticated source). */
  prove(destination: string): void {
    if (this.authenticated.has(destination)) this.proven.add(destination);
  }

  isProven(destination: string): boolean {
    return this.proven.has(destination);
  }

  private count(size: number, source: string, now: number): Verdict {
    if (this.bitrate.add(size, now)) {
      this.passedBytes += size;
      this.received.set(source, (this.received.get(source) ?? 0) + size);
      return PASS;
    }
    this.over = true;
    return { pass: false, reason: 'over-bitrate' };
  }
}

/** A DTLS record carrying a ClientHello: content type 22 (handshake), handshake type 1 after the 13-byte header. */
function isClientHello(data: Uint8Array): boolean {
  return data[0] === 22 && data[13] === 1;
}

/**
 * For a datagram werift will treat as SRTP (first byte 128-191, second byte outside werift's RTCP range
 * 192-208): whether its fixed header, CSRCs and header extension fit inside it. Anything else passes.
 */
export function rtpHeaderFits(data: Uint8Array): boolean {
  const first = data[0] ?? 0;
  const second = data[1] ?? 0;
  if (first < 128 || first > 191 || (second >= 192 && second <= 208)) return true;
  const csrcEnd = 12 + 4 * (first & 0x0f);
  if (data.length < csrcEnd) return false;
  if ((first & 0x10) === 0) return true;
  if (data.length < csrcEnd + 4) return false;
  const extensionWords = ((data[csrcEnd + 2] ?? 0) << 8) | (data[csrcEnd + 3] ?? 0);
  return csrcEnd + 4 + 4 * extensionWords <= data.length;
}

/** What a check's USERNAME and attributes say without computing its HMAC; null: worth verifying. */
function checkCredentials(message: StunMessage, credentials: SessionCredentials | null): DropReason | null {
  const username = usernameOf(message);
  const hasIntegrity = protectedAttributes(message).some((a) => a.type === ATTRIBUTE.MESSAGE_INTEGRITY);
  if (username === null || !hasIntegrity) return 'stun-no-credentials';
  const colon = username.indexOf(':');
  // RFC 8445 §7.3: "<our ufrag>:<theirs>"; a username without the colon is not an ICE check.
  if (!credentials || colon <= 0 || username.slice(0, colon) !== credentials.ufrag) return 'stun-bad-ufrag';
  return null;
}
