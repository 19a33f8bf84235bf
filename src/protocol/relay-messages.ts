/**
 * Messages on the relay's WSS endpoint, shared by extension and relay. Every message that crosses the wire is
 * parsed with these schemas on both ends; anything else is refused with a specific error code.
 */
import * as v from 'valibot';
import { PROFILE_IDS } from '../profiles/index.ts';

/** The largest WSS message either side accepts; signaling SDP fits comfortably below this. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000));
const clientTime = v.pipe(v.number(), v.finite());

/** Most ICE candidates one side may send in a session (MS-ICE2 caps at 20; browsers send far fewer). */
export const MAX_CANDIDATES = 20;
/** Largest SDP accepted; a browser's audio-plus-datachannel offer is about 3-5 KB. */
export const MAX_SDP_BYTES = 16 * 1024;

/**
 * How long the media phase of a run lasts at most, per mode (after ICE/DTLS connect); the quick check ends
 * sooner once loss is resolved (src/checks/media/media-window.ts).
 */
export const MEDIA_DURATION_MS = { quick: 3000, extended: 30_000 } as const;
/** The longest media phase a client may ask for (an extended check configured to its maximum). */
export const MAX_MEDIA_DURATION_S = 120;
/** The most handshake messages of one kind the relay counts for a session (relay/core/dtls-seen.ts). */
export const MAX_DTLS_COUNT = 1000;
export const MediaMode = v.picklist(['quick', 'extended']);
export type MediaMode = v.InferOutput<typeof MediaMode>;

/** A trickled ICE candidate as RTCIceCandidateInit, or null for end-of-candidates. */
export const IceCandidate = v.nullable(
  v.strictObject({
    candidate: v.pipe(v.string(), v.maxLength(512)),
    sdpMid: v.nullable(v.pipe(v.string(), v.maxLength(32))),
    sdpMLineIndex: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(16))),
    /** Browsers' RTCIceCandidate.toJSON() includes it. */
    usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
  }),
);
export type IceCandidate = v.InferOutput<typeof IceCandidate>;

/**
 * Ports of the provider's table and the relay's port that stands in for each: the provider's single ports
 * plus PROBE_PORTS_PER_RANGE for each range (four large UDP ranges across the profiles).
 */
export const MAX_PROBE_PORTS = 1024;
/** Ports a relay listens on in each provider range given as A-B (a run probes 32 of them). */
export const PROBE_PORTS_PER_RANGE = 128;
/**
 * The most UDP ports one check probes over one IP version: two sampled ranges of 32 (a unit test keeps every
 * profile within it). The relay keeps room for the first answer on each of them.
 */
export const MAX_PROBED_UDP_PORTS = 64;
/**
 * Most bindings one probe session records per IP version (distinct relay port and client address:port):
 * the IPv4 pass, its second look and the IPv6 pass each probe every UDP port again, from each of the
 * computer's interfaces, so one version's records must not crowd out the other's.
 */
export const MAX_PROBE_BINDINGS_PER_FAMILY = 128;
/** Most bindings one probe session records, and one probe-observed answer carries: both IP versions. */
export const MAX_PROBE_BINDINGS = 2 * MAX_PROBE_BINDINGS_PER_FAMILY;
/** How long a probe session's credentials are answered. */
export const PROBE_SESSION_TTL_S = 30;
/** Most probe sessions one WSS connection may have live at once; one more is refused with busy. */
export const MAX_PROBE_SESSIONS_PER_CONNECTION = 2;

/**
 * NAT binding lifetime (the extended check): the idle gaps, in seconds, after which the relay sends to an
 * idle UDP mapping of the browser's, one mapping per gap. A relay may be configured with others.
 */
export const DEFAULT_BINDING_GAPS_S: readonly number[] = [15, 30, 60, 120];
export const MAX_BINDING_GAPS = 6;
export const MAX_BINDING_GAP_S = 300;

const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
/** RFC 8445 ice-char: ALPHA / DIGIT / "+" / "/". */
const IceUfrag = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{4,32}$/));
const IcePwd = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{22,64}$/));

/** A provider port and the relay port that stands in for it (they differ on relays without privileges). */
export const ProbePort = v.strictObject({ providerPort: port, relayPort: port });
export type ProbePort = v.InferOutput<typeof ProbePort>;

/** The provider's port range a relay port stands in for. */
export const StandIn = v.pipe(
  v.strictObject({ from: port, to: port }),
  v.check((r) => r.from <= r.to, 'a range from its low end to its high end'),
);
export type StandIn = v.InferOutput<typeof StandIn>;

/** A probe listener the relay could not open, and why (an errno code such as EADDRINUSE or EACCES). */
export const UnboundProbePort = v.strictObject({
  transport: v.picklist(['tcp', 'udp']),
  providerPort: port,
  relayPort: port,
  error: v.pipe(v.string(), v.maxLength(64)),
});
export type UnboundProbePort = v.InferOutput<typeof UnboundProbePort>;

/** A STUN binding the relay answered: the client's address and port as the relay saw them (after any NAT). */
export const ProbeBinding = v.strictObject({
  relayPort: port,
  providerPort: port,
  remoteAddress: v.pipe(v.string(), v.ip()),
  remotePort: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)),
});
export type ProbeBinding = v.InferOutput<typeof ProbeBinding>;

const gapS = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_BINDING_GAP_S));

/** What became of one idle mapping: still idle, being probed, answered after its gap, or forgotten. */
export const BindingOutcome = v.strictObject({
  gapS,
  outcome: v.picklist(['waiting', 'probing', 'survived', 'expired']),
});
export type BindingOutcome = v.InferOutput<typeof BindingOutcome>;

export const ClientMessage = v.variant('type', [
  v.strictObject({ type: v.literal('ping'), seq, t: clientTime }),
  /** Starts the media loopback: the relay answers, echoes the audio RTP and the data channel probes. */
  v.strictObject({
    type: v.literal('offer'),
    sdp: v.pipe(v.string(), v.maxLength(MAX_SDP_BYTES)),
    mode: MediaMode,
    /** Seconds of media the client will measure (settings may change the mode's default); the relay caps it. */
    durationS: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_MEDIA_DURATION_S))),
    /**
     * The port profile the check is for: the relay answers from that profile's media range (the apps' for
     * the mobile and desktop apps, the desk phones' otherwise and without one).
     */
    profile: v.optional(v.picklist(PROFILE_IDS)),
  }),
  v.strictObject({ type: v.literal('candidate'), candidate: IceCandidate }),
  /** The client is done; the relay tears the session down. */
  v.strictObject({ type: v.literal('bye') }),
  /** Asks for ICE credentials for the port probes; the relay answers probe-session. */
  v.strictObject({
    type: v.literal('probe-start'),
    /**
     * 'nat': the relay answers this session's checks a little late, so a browser checking several relay
     * ports from one socket sends to all of them before it settles on one (see NAT_ANSWER_DELAY_MS).
     */
    purpose: v.optional(v.picklist(['ports', 'nat'])),
  }),
  /**
   * Asks which STUN bindings the relay answered; the relay answers probe-observed. Without ufrag: the
   * connection's latest probe session.
   */
  v.strictObject({ type: v.literal('probe-results'), ufrag: v.optional(IceUfrag) }),
  /**
   * Asks what the relay received of this connection's media session so far; the relay answers media-counts.
   * The client compares it with what it sent to tell its uplink's loss from its downlink's.
   */
  v.strictObject({
    type: v.literal('media-counts'),
    /**
     * Also the counts second by second (MediaSeconds). Asked for only after the plain question was answered:
     * a relay from before it refuses the field (and closes), which must not cost the whole-run counts.
     */
    perSecond: v.optional(v.literal(true)),
    /**
     * Also what the relay's DTLS saw of the handshake (DtlsSeen), asked for only when the client's DTLS did
     * not finish: a relay from before it refuses the field and closes, and the check is over by then anyway.
     */
    dtls: v.optional(v.literal(true)),
  }),
  /** Asks for a NAT binding lifetime session; the relay answers binding-session. */
  v.strictObject({ type: v.literal('binding-start') }),
  /** The browser's ICE credentials, which the relay's requests to its idle mappings must carry. */
  v.strictObject({ type: v.literal('binding-peer'), ufrag: IceUfrag, peerUfrag: IceUfrag, peerPwd: IcePwd }),
  /** Asks what became of each mapping so far; the relay answers binding-observed. */
  v.strictObject({ type: v.literal('binding-results'), ufrag: IceUfrag }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

export const RelayErrorCode = v.picklist([
  'bad-json',
  'bad-message',
  'too-big',
  'too-many-candidates',
  /** Every media port is in use: retry after retryAfterS. */
  'busy',
  /** An offer on a connection that already has a session, or a candidate/bye without one. */
  'bad-state',
  'media-failed',
  /** The relay cannot answer this offer (no codec it echoes, no DTLS fingerprint, ...): the message says why. */
  'unsupported-offer',
  'internal',
  /** Too many sessions from this client address at once, or started in the last minute: retry after retryAfterS. */
  'rate-limited',
  /** No offer and no probe-start within the relay's idle timeout (close 4000). */
  'idle',
  /** The relay is draining before it stops: it takes no new sessions (close 1001). */
  'shutting-down',
]);
export type RelayErrorCode = v.InferOutput<typeof RelayErrorCode>;

/**
 * What the relay says about itself is bounded like everything else from the network: the extension shows
 * it, stores it in reports and scans it for addresses, so a hostile relay must not hand it megabytes.
 */
const relayWord = v.pipe(v.string(), v.maxLength(128));

export const TlsInfo = v.strictObject({
  protocol: v.nullable(relayWord),
  cipher: v.nullable(relayWord),
});
export type TlsInfo = v.InferOutput<typeof TlsInfo>;

/** A packet count; a session at the relay's bitrate cap for its longest duration stays far below this. */
const packetCount = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000));

/** Packets in one second: far above what the relay's per-session bitrate cap lets through. */
const secondCount = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000));

/**
 * What the relay received from the client and echoed back, second by second (relay/core/per-second-counts.ts):
 * at most the longest media time, the oldest first; the first second began startAgoMs before the answer.
 * Each second: packets received (audio and probes) and echoed, and of the audio the packets received and the
 * span their sequence numbers covered by the second's end (from the session's first, as in MediaCounts).
 */
export const MediaSeconds = v.strictObject({
  startAgoMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600_000)),
  seconds: v.pipe(
    v.array(
      v.strictObject({
        received: secondCount,
        sent: secondCount,
        rtp: v.strictObject({ received: secondCount, span: packetCount }),
      }),
    ),
    v.maxLength(MAX_MEDIA_DURATION_S),
  ),
});
export type MediaSeconds = v.InferOutput<typeof MediaSeconds>;

/** Handshake messages counted: a browser sends a few dozen at most before it gives up. */
const handshakeCount = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_DTLS_COUNT));

/**
 * What the relay's DTLS server saw of the handshake (relay/core/dtls-seen.ts): the client's ClientHellos,
 * whether one carried back the cookie of the relay's HelloVerifyRequest (then the relay's answers reached
 * the client), how often the relay sent its ServerHello..ServerHelloDone flight (RFC 6347 flight 4), and
 * whether the client's key exchange flight (flight 5) arrived.
 */
export const DtlsSeen = v.strictObject({
  clientHellos: handshakeCount,
  cookieReturned: v.boolean(),
  serverFlights: handshakeCount,
  clientKeyExchange: v.boolean(),
});
export type DtlsSeen = v.InferOutput<typeof DtlsSeen>;

/** What the relay received of one media session (see relay/core/receive-counts.ts). */
export const MediaCounts = v.strictObject({
  /** Audio RTP: packets received, and the packets the span of their sequence numbers says were sent. */
  rtp: v.pipe(
    v.strictObject({ received: packetCount, expected: packetCount }),
    v.check((c) => c.received <= c.expected, 'more RTP received than its sequence numbers span'),
  ),
  /** Data-channel probe messages received (each is echoed once). */
  probes: v.strictObject({ received: packetCount }),
  /** Second by second, only when the client asked for it (media-counts with perSecond). */
  perSecond: v.optional(MediaSeconds),
  /** What the relay's DTLS saw, only when the client asked for it (media-counts with dtls). */
  dtls: v.optional(DtlsSeen),
});
export type MediaCounts = v.InferOutput<typeof MediaCounts>;

export const ServerMessage = v.variant('type', [
  v.strictObject({
    type: v.literal('hello'),
    relayVersion: relayWord,
    tls: TlsInfo,
  }),
  v.strictObject({ type: v.literal('pong'), seq, t: clientTime, serverTime: v.number() }),
  v.strictObject({
    type: v.literal('error'),
    code: RelayErrorCode,
    message: v.pipe(v.string(), v.maxLength(1000)),
    retryAfterS: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  }),
  v.strictObject({
    type: v.literal('answer'),
    sdp: v.pipe(v.string(), v.maxLength(MAX_SDP_BYTES)),
    /**
     * The provider's media range the session's port stands in for, from a relay whose media ranges lie
     * outside the provider's (on high ports, --media-stand-in); absent when the port is its own number.
     */
    standsFor: v.optional(StandIn),
  }),
  v.strictObject({ type: v.literal('candidate'), candidate: IceCandidate }),
  /** The relay ended the media session, and why. */
  v.strictObject({
    type: v.literal('session-ended'),
    /** rate-limited: the client sent more than the relay's per-session bitrate cap; bye: the client's own bye. */
    reason: v.picklist(['duration', 'setup-timeout', 'shutdown', 'error', 'rate-limited', 'bye']),
  }),
  /**
   * The relay is stopping: the running session may finish, but the relay ends it with session-ended
   * 'shutdown' after graceMs at the latest.
   */
  v.strictObject({ type: v.literal('draining'), graceMs: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  /**
   * Credentials for the port probes. The relay answers STUN binding requests on each udp port whose
   * USERNAME is "ufrag:<anything>" and whose MESSAGE-INTEGRITY is keyed with pwd, for expiresInS seconds;
   * the tcp ports answer GET /probe-port over TLS. Ports the relay could not open are listed in unbound.
   */
  v.strictObject({
    type: v.literal('probe-session'),
    ufrag: IceUfrag,
    pwd: IcePwd,
    expiresInS: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)),
    address: v.pipe(v.string(), v.ip()),
    tcp: v.pipe(v.array(ProbePort), v.maxLength(MAX_PROBE_PORTS)),
    udp: v.pipe(v.array(ProbePort), v.maxLength(MAX_PROBE_PORTS)),
    unbound: v.pipe(v.array(UnboundProbePort), v.maxLength(2 * MAX_PROBE_PORTS)),
    /** This WSS connection's client address as the relay saw it, to compare with the STUN bindings. */
    clientAddress: v.optional(v.pipe(v.string(), v.maxLength(64))),
    /**
     * The relay's IPv6 address where the same probe ports listen too (absent: IPv4 only); the ports it could
     * not open there are in unbound6.
     */
    address6: v.optional(v.pipe(v.string(), v.ip())),
    unbound6: v.optional(v.pipe(v.array(UnboundProbePort), v.maxLength(2 * MAX_PROBE_PORTS))),
  }),
  /** The answer to media-counts: what the relay received of this connection's media session so far. */
  v.strictObject({ type: v.literal('media-counts'), ...MediaCounts.entries }),
  /**
   * A NAT binding lifetime session: open one transport per gap to address:relayPort (the relay port standing
   * in for providerPort) with these credentials; the relay answers each mapping's first checks, then, once
   * it has been idle for its gap, sends it a Binding Request.
   */
  v.strictObject({
    type: v.literal('binding-session'),
    ufrag: IceUfrag,
    pwd: IcePwd,
    expiresInS: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)),
    address: v.pipe(v.string(), v.ip()),
    relayPort: port,
    providerPort: port,
    gapsS: v.pipe(v.array(gapS), v.minLength(1), v.maxLength(MAX_BINDING_GAPS)),
  }),
  /** Each mapping the relay heard, in that order, with its gap and outcome so far. */
  v.strictObject({
    type: v.literal('binding-observed'),
    ufrag: IceUfrag,
    mappings: v.pipe(v.array(BindingOutcome), v.maxLength(MAX_BINDING_GAPS)),
  }),
  /** The bindings the relay answered in the probe session ufrag, in the order first seen, without repeats. */
  v.strictObject({
    type: v.literal('probe-observed'),
    ufrag: IceUfrag,
    bindings: v.pipe(v.array(ProbeBinding), v.maxLength(MAX_PROBE_BINDINGS)),
  }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

const u16 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));

/**
 * What the relay read of the TLS ClientHello of the connection (src/relay/core/client-hello.ts): the marks
 * that tell a browser's own hello from a TLS-inspecting middlebox's.
 */
export const ClientHello = v.strictObject({
  grease: v.boolean(),
  extensions: v.pipe(v.array(u16), v.maxLength(40)),
  groups: v.pipe(v.array(u16), v.maxLength(24)),
  alpn: v.pipe(v.array(v.pipe(v.string(), v.maxLength(32))), v.maxLength(8)),
  sni: v.nullable(v.pipe(v.string(), v.maxLength(253))),
  cipherSuites: u16,
});
export type ClientHello = v.InferOutput<typeof ClientHello>;

/** What GET /probe answers: what the relay saw of this connection. */
export const ProbeResponse = v.strictObject({
  relayVersion: relayWord,
  tls: TlsInfo,
  /** The hello the relay received on this connection; absent from relays before it was reported. */
  clientHello: v.optional(v.nullable(ClientHello)),
  /** An address with a zone is at most 45 + 1 + a short interface name. */
  clientAddress: v.pipe(v.string(), v.maxLength(64)),
  serverTime: v.pipe(v.number(), v.finite()),
});
export type ProbeResponse = v.InferOutput<typeof ProbeResponse>;

/** What GET /probe-port answers on a TCP probe port: which port this is, and the TLS the relay saw. */
export const ProbePortResponse = v.strictObject({
  providerPort: port,
  relayPort: port,
  transport: v.literal('tcp'),
  tls: TlsInfo,
  /** The hello the relay received on this connection to the probe port; absent from relays before it was. */
  clientHello: v.optional(v.nullable(ClientHello)),
});
export type ProbePortResponse = v.InferOutput<typeof ProbePortResponse>;

/** What GET /web/probe-origins answers: the TCP probe origins the web check's page may connect to. */
export const ProbeOriginsResponse = v.strictObject({
  origins: v.pipe(v.array(v.pipe(v.string(), v.url(), v.maxLength(300))), v.maxLength(MAX_PROBE_PORTS)),
});
export type ProbeOriginsResponse = v.InferOutput<typeof ProbeOriginsResponse>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses raw JSON text against a schema; never throws. */
export function parseJson<S extends v.GenericSchema>(schema: S, text: string): Parsed<v.InferOutput<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'bad-json' };
  }
  const r = v.safeParse(schema, raw);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, error: `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}` };
}
