/**
 * Messages on the relay's WSS endpoint, shared by extension and relay. Every message that crosses the wire is
 * parsed with these schemas on both ends; anything else is refused with a specific error code.
 */
import * as v from 'valibot';

/** The largest WSS message either side accepts; signaling SDP fits comfortably below this. */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000));
const clientTime = v.pipe(v.number(), v.finite());

export const ClientMessage = v.variant('type', [
  v.strictObject({ type: v.literal('ping'), seq, t: clientTime }),
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;

export const RelayErrorCode = v.picklist(['bad-json', 'bad-message', 'too-big', 'internal']);
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
  v.strictObject({ type: v.literal('error'), code: RelayErrorCode, message: v.string() }),
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
