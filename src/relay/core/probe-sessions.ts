/**
 * Probe sessions: the ICE credentials a WSS connection asked for with probe-start, and the STUN bindings
 * the relay answered under them. Pure bookkeeping with the clock and the random source passed in; the UDP
 * shells look passwords up here and record what they answered, the WSS shell starts sessions and reads
 * results.
 *
 * A session's credentials are answered for PROBE_SESSION_TTL_S; its results stay readable by its connection
 * until the connection closes (the last KEPT_PER_CONNECTION sessions of it), so the extension can ask for
 * them after the probes are done.
 */
import {
  MAX_PROBE_BINDINGS_PER_FAMILY,
  MAX_PROBE_SESSIONS_PER_CONNECTION,
  MAX_PROBED_UDP_PORTS,
  PROBE_SESSION_TTL_S,
  type ProbeBinding,
} from '../../protocol/relay-messages.ts';

/** RFC 8445 ice-char is ALPHA / DIGIT / "+" / "/": 64 characters, so one random byte's low 6 bits pick one evenly. */
const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const UFRAG_LENGTH = 8;
/** RFC 8445 asks for at least 128 bits: 24 characters carry 144. */
export const PWD_LENGTH = 24;
/** Sessions (live or expired) whose results a connection can still read. */
export const KEPT_PER_CONNECTION = 4;
/** Live probe sessions over all connections, so a flood of connections cannot grow the table without end. */
export const MAX_LIVE_SESSIONS = 1000;
/**
 * Live probe sessions per client address (IPv6: one /64): a check uses two (ports, NAT), so this lets four
 * people behind one NAT check at once, and 125 addresses, not 32, would be needed to fill the table.
 */
export const DEFAULT_PROBE_SESSIONS_PER_ADDRESS = 8;

export type OwnerId = number;

interface ProbeSession {
  readonly ufrag: string;
  readonly pwd: string;
  readonly owner: OwnerId;
  /** The client address key of the connection that started it. */
  readonly key: string;
  readonly expiresAt: number;
  readonly bindings: ProbeBinding[];
  readonly seen: Set<string>;
  readonly families: Record<Family, FamilyRecords>;
  readonly answerDelayMs: number;
}

type Family = 'IPv4' | 'IPv6';

/** What one IP version of a session has recorded: the relay ports answered, and how many records in all. */
interface FamilyRecords {
  readonly ports: Set<number>;
  count: number;
  /** Records of a port already answered (another interface, the second look's new socket). */
  repeats: number;
}

/**
 * Records of a port already answered that one IP version keeps: the rest of its room stays free for the
 * first answer on each port a check probes, which is what tells an open port from a blocked one.
 */
export const MAX_REPEAT_BINDINGS_PER_FAMILY = MAX_PROBE_BINDINGS_PER_FAMILY - MAX_PROBED_UDP_PORTS;

/** The IP version of a client address as the extension tells them apart: IPv4-mapped IPv6 is IPv4. */
export function familyOf(address: string): Family {
  return address.includes(':') && !/^::ffff:(?:0:)?\d+\.\d+\.\d+\.\d+$/i.test(address) ? 'IPv6' : 'IPv4';
}

const noRecords = (): Record<Family, FamilyRecords> => ({
  IPv4: { ports: new Set(), count: 0, repeats: 0 },
  IPv6: { ports: new Set(), count: 0, repeats: 0 },
});

/**
 * How late a NAT probe session's answers go out. A browser checks a peer's candidates one by one, about
 * 50 ms apart, and drops the others once one answers; answering later than that lets its checks reach
 * every relay port from the same socket, which is what the NAT mapping classification compares.
 */
export const NAT_ANSWER_DELAY_MS = 250;

export type StartResult =
  | { ok: true; ufrag: string; pwd: string; expiresInS: number }
  /** Too many live sessions on this connection, from its address, or on the relay; a slot frees in retryAfterS. */
  | { ok: false; why: 'connection' | 'address' | 'relay'; retryAfterS: number };

export interface ProbeRegistryOptions {
  random: (bytes: number) => Uint8Array;
  ttlMs?: number;
  perConnection?: number;
  perAddress?: number;
  maxLive?: number;
}

export class ProbeRegistry {
  private readonly byUfrag = new Map<string, ProbeSession>();
  /** Each connection's sessions, oldest first. */
  private readonly byOwner = new Map<OwnerId, ProbeSession[]>();
  private readonly random: (bytes: number) => Uint8Array;
  private readonly ttlMs: number;
  private readonly perConnection: number;
  private readonly perAddress: number;
  private readonly maxLive: number;

  constructor(opts: ProbeRegistryOptions) {
    this.random = opts.random;
    this.ttlMs = opts.ttlMs ?? PROBE_SESSION_TTL_S * 1000;
    this.perConnection = opts.perConnection ?? MAX_PROBE_SESSIONS_PER_CONNECTION;
    this.perAddress = opts.perAddress ?? DEFAULT_PROBE_SESSIONS_PER_ADDRESS;
    this.maxLive = opts.maxLive ?? MAX_LIVE_SESSIONS;
  }

  /** Live sessions over all connections. */
  live(now: number): number {
    let n = 0;
    for (const s of this.byUfrag.values()) if (s.expiresAt > now) n++;
    return n;
  }

  start(owner: OwnerId, now: number, opts: { answerDelayMs?: number; key?: string } = {}): StartResult {
    const key = opts.key ?? '';
    const mine = this.byOwner.get(owner) ?? [];
    const liveMine = mine.filter((s) => s.expiresAt > now);
    const retryAfter = (sessions: Iterable<ProbeSession>) => {
      let soonest = Number.POSITIVE_INFINITY;
      for (const s of sessions) if (s.expiresAt > now) soonest = Math.min(soonest, s.expiresAt);
      return Math.max(1, Math.ceil((soonest - now) / 1000));
    };
    if (liveMine.length >= this.perConnection) {
      return { ok: false, why: 'connection', retryAfterS: retryAfter(liveMine) };
    }
    const fromAddress = [...this.byUfrag.values()].filter((s) => s.key === key && s.expiresAt > now);
    if (fromAddress.length >= this.perAddress) {
      return { ok: false, why: 'address', retryAfterS: retryAfter(fromAddress) };
    }
    if (this.live(now) >= this.maxLive) {
      return { ok: false, why: 'relay', retryAfterS: retryAfter(this.byUfrag.values()) };
    }
    // 48 random bits make a clash unlikely; a clash would hand one connection another's results.
    let ufrag = this.iceString(UFRAG_LENGTH);
    for (let tries = 1; this.byUfrag.has(ufrag); tries++) {
      if (tries >= 100) throw new Error('the random source keeps repeating itself');
      ufrag = this.iceString(UFRAG_LENGTH);
    }
    const session: ProbeSession = {
      ufrag,
      pwd: this.iceString(PWD_LENGTH),
      owner,
      key,
      expiresAt: now + this.ttlMs,
      bindings: [],
      seen: new Set(),
      families: noRecords(),
      answerDelayMs: opts.answerDelayMs ?? 0,
    };
    this.byUfrag.set(ufrag, session);
    mine.push(session);
    // Forget the oldest sessions beyond what a connection keeps; they are expired, since live ones are capped.
    while (mine.length > Math.max(KEPT_PER_CONNECTION, this.perConnection)) {
      const old = mine.shift();
      if (old) this.byUfrag.delete(old.ufrag);
    }
    this.byOwner.set(owner, mine);
    return { ok: true, ufrag, pwd: session.pwd, expiresInS: Math.round(this.ttlMs / 1000) };
  }

  /** The password to check a request against, while the session is live. */
  passwordFor(ufrag: string, now: number): string | undefined {
    const s = this.byUfrag.get(ufrag);
    return s && s.expiresAt > now ? s.pwd : undefined;
  }

  /** How long to hold this session's answers (0 for port probes). */
  answerDelayFor(ufrag: string): number {
    return this.byUfrag.get(ufrag)?.answerDelayMs ?? 0;
  }

  /**
   * Records an answered binding once per relay port and client address:port, up to
   * MAX_PROBE_BINDINGS_PER_FAMILY for each IP version, of which at most MAX_REPEAT_BINDINGS_PER_FAMILY repeat a
   * port already answered.
   */
  record(ufrag: string, binding: ProbeBinding): void {
    const s = this.byUfrag.get(ufrag);
    if (!s) return;
    const family = s.families[familyOf(binding.remoteAddress)];
    const repeat = family.ports.has(binding.relayPort);
    if (family.count >= MAX_PROBE_BINDINGS_PER_FAMILY) return;
    if (repeat && family.repeats >= MAX_REPEAT_BINDINGS_PER_FAMILY) return;
    const key = `${binding.relayPort} ${binding.remoteAddress} ${binding.remotePort}`;
    if (s.seen.has(key)) return;
    s.seen.add(key);
    s.bindings.push({ ...binding });
    family.ports.add(binding.relayPort);
    family.count++;
    if (repeat) family.repeats++;
  }

  /** A session of this connection's (by ufrag, or its latest), or null if it has none such. */
  results(owner: OwnerId, ufrag: string | null): { ufrag: string; bindings: ProbeBinding[] } | null {
    const mine = this.byOwner.get(owner) ?? [];
    const s = ufrag === null ? mine[mine.length - 1] : mine.find((m) => m.ufrag === ufrag);
    return s ? { ufrag: s.ufrag, bindings: s.bindings.map((b) => ({ ...b })) } : null;
  }

  /** The connection is gone: its credentials stop working and its results are dropped. */
  release(owner: OwnerId): void {
    for (const s of this.byOwner.get(owner) ?? []) this.byUfrag.delete(s.ufrag);
    this.byOwner.delete(owner);
  }

  /** Fresh ICE credentials from the same source (the NAT binding lifetime sessions use them too). */
  credentials(): { ufrag: string; pwd: string } {
    return { ufrag: this.iceString(UFRAG_LENGTH), pwd: this.iceString(PWD_LENGTH) };
  }

  private iceString(length: number): string {
    const bytes = this.random(length);
    let out = '';
    for (let i = 0; i < length; i++) out += ICE_CHARS[(bytes[i] ?? 0) & 63];
    return out;
  }
}
