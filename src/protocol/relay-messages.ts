/**
 * Messages on the relay's WSS endpoint, shared by extension and relay. Every message that crosses the wire is
 * parsed with these schemas on both ends; anything else is refused with a specific error code.
 */
import * as v from 'valibot';

/** The largest WSS message either side accepts; signaling SDP fits comfortably below this. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000));
const clientTime = v.pipe(v.number(), v.finite());

/** Most ICE candidates one side may send in a session (MS-ICE2 caps at 20; browsers send far fewer). */
export const MAX_CANDIDATES = 20;
/** Largest SDP accepted; a browser's audio-plus-datachannel offer is about 3-5 KB. */
export const MAX_SDP_BYTES = 16 * 1024;

/** How long the media phase of a run lasts, per mode (after ICE/DTLS connect). */
export const MEDIA_DURATION_MS = { quick: 3000, extended: 30_000 } as const;
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

export const ClientMessage = v.variant('type', [
  v.strictObject({ type: v.literal('ping'), seq, t: clientTime }),
  /** Starts the media loopback: the relay answers, echoes the audio RTP and the data channel probes. */
  v.strictObject({
    type: v.literal('offer'),
    sdp: v.pipe(v.string(), v.maxLength(MAX_SDP_BYTES)),
    mode: MediaMode,
  }),
  v.strictObject({ type: v.literal('candidate'), candidate: IceCandidate }),
  /** The client is done; the relay tears the session down. */
  v.strictObject({ type: v.literal('bye') }),
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
  'internal',
]);
export type RelayErrorCode = v.InferOutput<typeof RelayErrorCode>;

export const TlsInfo = v.strictObject({
  protocol: v.nullable(v.string()),
  cipher: v.nullable(v.string()),
});
export type TlsInfo = v.InferOutput<typeof TlsInfo>;

export const ServerMessage = v.variant('type', [
  v.strictObject({
    type: v.literal('hello'),
    relayVersion: v.string(),
    tls: TlsInfo,
  }),
  v.strictObject({ type: v.literal('pong'), seq, t: clientTime, serverTime: v.number() }),
  v.strictObject({
    type: v.literal('error'),
    code: RelayErrorCode,
    message: v.string(),
    retryAfterS: v.optional(v.number()),
  }),
  v.strictObject({ type: v.literal('answer'), sdp: v.pipe(v.string(), v.maxLength(MAX_SDP_BYTES)) }),
  v.strictObject({ type: v.literal('candidate'), candidate: IceCandidate }),
  /** The relay ended the media session, and why. */
  v.strictObject({
    type: v.literal('session-ended'),
    reason: v.picklist(['duration', 'setup-timeout', 'shutdown', 'error']),
  }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

/** What GET /probe answers: what the relay saw of this connection. */
export const ProbeResponse = v.strictObject({
  relayVersion: v.string(),
  tls: TlsInfo,
  clientAddress: v.string(),
  serverTime: v.number(),
});
export type ProbeResponse = v.InferOutput<typeof ProbeResponse>;

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
