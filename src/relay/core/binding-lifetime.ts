/**
 * NAT binding lifetime, the relay's side, without sockets: how long the client's NAT keeps an idle UDP
 * mapping open. A phone's SIP flow over UDP works only while its mapping lives; a router that forgets it
 * between re-registrations makes inbound calls fail.
 *
 * The browser opens one transport per idle gap (each its own socket, so its own mapping), all checking the
 * same relay UDP port with this session's credentials. The relay answers each mapping's checks for its first
 * ANSWER_WINDOW_MS, so the flow is two-way like a registration, then stays silent; the browser gives up
 * checking a little later and the mapping goes idle. Once a mapping has been idle for its gap, the relay
 * sends it an ICE Binding Request signed with the browser's own ICE password: the browser answers only if
 * the NAT still maps the relay's datagram to it. Answered: the mapping survived that gap; no answer after
 * PROBE_TRIES tries: the NAT forgot it.
 *
 * Pure bookkeeping with the clock and random source passed in: the UDP shell feeds datagrams in and sends
 * what `due` returns; the WSS shell starts sessions and reads outcomes.
 */
import { MAX_BINDING_GAPS, type ProbePort } from '../../protocol/relay-messages.ts';
import {
  ATTRIBUTE,
  bindingRequest,
  hasValidIntegrity,
  MESSAGE_TYPE,
  protectedAttributes,
  type StunMessage,
  type TransportAddress,
  usernameOf,
} from './stun/stun-message.ts';

/** How long after a mapping's first check the relay still answers it: enough to make the flow two-way. */
export const ANSWER_WINDOW_MS = 1000;
/** Binding requests per mapping, this far apart; the browser's answer to any of them counts. */
export const PROBE_TRIES = 3;
export const PROBE_SPACING_MS = 500;
/** How long after the first request an answer may come (the last try plus a lossy round trip). */
export const PROBE_WAIT_MS = 2500;
/**
 * How long a browser may take to open its transports and then give up checking (Chromium stops about 16 s
 * after the first check it was not answered): the session lasts this plus the longest gap plus the wait.
 */
export const SETTLE_MS = 40_000;
/** How long a session's outcomes stay readable after it ended. */
const KEEP_RESULTS_MS = 60_000;
/** Live binding sessions over the whole relay; each holds at most MAX_BINDING_GAPS mappings. */
export const MAX_LIVE_BINDING_SESSIONS = 200;

export type MappingOutcome = 'waiting' | 'probing' | 'survived' | 'expired';

interface Mapping {
  readonly source: TransportAddress;
  readonly gapMs: number;
  readonly firstHeard: number;
  lastHeard: number;
  outcome: MappingOutcome;
  /** The request's transaction id (hex) and when its tries went out. */
  transaction: string | null;
  tries: number;
  probedAt: number;
}

interface BindingSession {
  readonly ufrag: string;
  readonly pwd: string;
  readonly owner: number;
  readonly relayPort: number;
  readonly gapsMs: readonly number[];
  readonly expiresAt: number;
  peer: { ufrag: string; pwd: string } | null;
  readonly mappings: Mapping[];
}

export type LifetimeAction =
  /** A Binding Success to send back to the source. */
  | { kind: 'answer'; bytes: Uint8Array }
  /** A datagram of a binding session that needs no answer. */
  | { kind: 'silent' };

export interface Outgoing {
  relayPort: number;
  to: TransportAddress;
  bytes: Uint8Array;
}

export type BindingStart =
  | { ok: true; ufrag: string; pwd: string; expiresInS: number }
  | { ok: false; retryAfterS: number };

/**
 * The provider's SIP/UDP port for desk phones (seed 000): the flow a phone keeps open by re-registering. The
 * shipped profiles do not probe it (a SIP ALG treats SIP datagrams unlike STUN), so a relay listens there
 * only if its operator adds it; a NAT that times mappings out by port is the exception, not the rule.
 */
export const SIP_UDP_PORT = 5090;

/** Which open UDP probe port the mappings go to: the one standing in for SIP/UDP 5090 if any, else the first. */
export function bindingPort(udp: readonly ProbePort[]): ProbePort | null {
  return udp.find((p) => p.providerPort === SIP_UDP_PORT) ?? udp[0] ?? null;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sourceKey = (s: TransportAddress) => `${s.address} ${s.port}`;

export class BindingLifetimes {
  private readonly sessions = new Map<string, BindingSession>();
  private readonly random: (bytes: number) => Uint8Array;
  private readonly credentials: () => { ufrag: string; pwd: string };
  readonly gapsMs: readonly number[];

  constructor(opts: {
    random: (bytes: number) => Uint8Array;
    /** Fresh ICE credentials (the probe registry's generator). */
    credentials: () => { ufrag: string; pwd: string };
    gapsS: readonly number[];
  }) {
    this.random = opts.random;
    this.credentials = opts.credentials;
    this.gapsMs = opts.gapsS.slice(0, MAX_BINDING_GAPS).map((s) => s * 1000);
  }

  /** How long a session lives: long enough for the browser to settle, the longest gap and the last wait. */
  get sessionMs(): number {
    return SETTLE_MS + Math.max(0, ...this.gapsMs) + PROBE_WAIT_MS;
  }

  /** One live session per connection: a new one replaces the old. */
  start(owner: number, relayPort: number, now: number): BindingStart {
    this.sweep(now);
    for (const [ufrag, s] of this.sessions) if (s.owner === owner) this.sessions.delete(ufrag);
    const live = [...this.sessions.values()].filter((s) => s.expiresAt > now);
    if (live.length >= MAX_LIVE_BINDING_SESSIONS) {
      let soonest = Number.POSITIVE_INFINITY;
      for (const s of live) soonest = Math.min(soonest, s.expiresAt);
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((soonest - now) / 1000)) };
    }
    let creds = this.credentials();
    for (let tries = 1; this.sessions.has(creds.ufrag); tries++) {
      if (tries >= 100) throw new Error('the random source keeps repeating itself');
      creds = this.credentials();
    }
    this.sessions.set(creds.ufrag, {
      ...creds,
      owner,
      relayPort,
      gapsMs: this.gapsMs,
      expiresAt: now + this.sessionMs,
      peer: null,
      mappings: [],
    });
    return { ok: true, ...creds, expiresInS: Math.ceil(this.sessionMs / 1000) };
  }

  /** The browser's ICE credentials, which the relay's requests must carry; false if no such session. */
  setPeer(owner: number, ufrag: string, peer: { ufrag: string; pwd: string }): boolean {
    const s = this.sessions.get(ufrag);
    if (!s || s.owner !== owner) return false;
    s.peer = { ...peer };
    return true;
  }

  /** Whether this ufrag is a live binding session's (the UDP shell asks before the port probe responder). */
  passwordFor(ufrag: string, now: number): string | undefined {
    const s = this.sessions.get(ufrag);
    return s && s.expiresAt > now ? s.pwd : undefined;
  }

  /**
   * A parsed STUN datagram that arrived at relayPort from source: a check of a binding session (answered
   * within the window, else only noted), the browser's answer to one of the relay's requests, or null when
   * it belongs to no binding session (the port probe responder decides then).
   */
  handle(
    relayPort: number,
    message: StunMessage,
    source: TransportAddress,
    now: number,
    answer: (password: string) => Uint8Array | null,
  ): LifetimeAction | null {
    if (message.type === MESSAGE_TYPE.BINDING_SUCCESS) return this.answered(message, source, now);
    if (message.type !== MESSAGE_TYPE.BINDING_REQUEST) return null;
    const username = usernameOf(message);
    const colon = username?.indexOf(':') ?? -1;
    if (username === null || colon <= 0) return null;
    const s = this.sessions.get(username.slice(0, colon));
    if (!s || s.expiresAt <= now || s.relayPort !== relayPort) return null;
    if (!protectedAttributes(message).some((a) => a.type === ATTRIBUTE.MESSAGE_INTEGRITY)) return null;
    if (!hasValidIntegrity(message, s.pwd)) return null;
    const key = sourceKey(source);
    let m = s.mappings.find((x) => sourceKey(x.source) === key);
    if (!m) {
      const gapMs = s.gapsMs[s.mappings.length];
      // More transports than gaps: the extra ones are not measured (and not answered).
      if (gapMs === undefined) return { kind: 'silent' };
      m = {
        source: { ...source },
        gapMs,
        firstHeard: now,
        lastHeard: now,
        outcome: 'waiting',
        transaction: null,
        tries: 0,
        probedAt: 0,
      };
      s.mappings.push(m);
    }
    // Only a mapping still waiting goes idle from its last check; one being probed has its answer coming.
    if (m.outcome !== 'waiting') return { kind: 'silent' };
    m.lastHeard = now;
    if (now - m.firstHeard >= ANSWER_WINDOW_MS) return { kind: 'silent' };
    const bytes = answer(s.pwd);
    return bytes ? { kind: 'answer', bytes } : { kind: 'silent' };
  }

  private answered(message: StunMessage, source: TransportAddress, now: number): LifetimeAction | null {
    const id = hex(message.transactionId);
    for (const s of this.sessions.values()) {
      const m = s.mappings.find((x) => x.transaction === id);
      if (!m) continue;
      // From the mapping probed, signed with the browser's password: nothing else proves the NAT passed it.
      if (sourceKey(m.source) !== sourceKey(source) || !s.peer) return { kind: 'silent' };
      if (!hasValidIntegrity(message, s.peer.pwd)) return { kind: 'silent' };
      if (m.outcome === 'probing' && now - m.probedAt <= PROBE_WAIT_MS) m.outcome = 'survived';
      return { kind: 'silent' };
    }
    return null;
  }

  /** The requests to send now, and mappings whose wait is over marked expired. */
  due(now: number): Outgoing[] {
    this.sweep(now);
    const out: Outgoing[] = [];
    for (const s of this.sessions.values()) {
      const peer = s.peer;
      if (!peer) continue;
      for (const m of s.mappings) {
        if (m.outcome === 'waiting' && now - m.lastHeard >= m.gapMs) {
          m.outcome = 'probing';
          m.transaction = hex(this.random(12));
          m.probedAt = now;
        }
        if (m.outcome !== 'probing' || m.transaction === null || s.expiresAt <= now) continue;
        if (now - m.probedAt > PROBE_WAIT_MS) {
          m.outcome = 'expired';
          continue;
        }
        if (m.tries < PROBE_TRIES && now - m.probedAt >= m.tries * PROBE_SPACING_MS) {
          m.tries++;
          const bytes = bindingRequest(
            Buffer.from(m.transaction, 'hex'),
            `${peer.ufrag}:${s.ufrag}`,
            peer.pwd,
            this.random(8),
          );
          out.push({ relayPort: s.relayPort, to: m.source, bytes });
        }
      }
    }
    return out;
  }

  /** Each transport's gap and what became of its mapping, in the order the relay first heard them. */
  outcomes(owner: number, ufrag: string): Array<{ gapS: number; outcome: MappingOutcome }> | null {
    const s = this.sessions.get(ufrag);
    if (!s || s.owner !== owner) return null;
    return s.mappings.map((m) => ({ gapS: m.gapMs / 1000, outcome: m.outcome }));
  }

  /** Whether any session is live (the shell's timer runs only then). */
  busy(now: number): boolean {
    for (const s of this.sessions.values()) if (s.expiresAt > now) return true;
    return false;
  }

  release(owner: number): void {
    for (const [ufrag, s] of this.sessions) if (s.owner === owner) this.sessions.delete(ufrag);
  }

  /** Outcomes stay readable a while after a session ends, then go (and with the connection in any case). */
  private sweep(now: number): void {
    for (const [ufrag, s] of this.sessions)
      if (s.expiresAt + KEEP_RESULTS_MS <= now) this.sessions.delete(ufrag);
  }
}
