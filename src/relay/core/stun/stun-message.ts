/**
 * STUN (RFC 5389) as far as an ICE-lite responder needs it: parse a datagram without trusting any length in
 * it, check FINGERPRINT and MESSAGE-INTEGRITY over the received bytes, and build a Binding Success Response.
 * Pure functions over bytes; the hashes come from node:crypto and node:zlib, which do no I/O.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 20;
export const MAGIC_COOKIE = 0x2112a442;
/** RFC 5389 §15.5: the CRC-32 is XORed with "STUN" so it differs from the CRC of any other protocol. */
const FINGERPRINT_XOR = 0x5354554e;

export const MESSAGE_TYPE = { BINDING_REQUEST: 0x0001, BINDING_SUCCESS: 0x0101 } as const;
export const ATTRIBUTE = {
  USERNAME: 0x0006,
  PRIORITY: 0x0024,
  ICE_CONTROLLED: 0x8029,
  MESSAGE_INTEGRITY: 0x0008,
  XOR_MAPPED_ADDRESS: 0x0020,
  FINGERPRINT: 0x8028,
} as const;

const INTEGRITY_BYTES = 20;
/** Attribute header (4) plus the HMAC-SHA1 value (20). */
const INTEGRITY_ATTRIBUTE_BYTES = 24;
const FINGERPRINT_ATTRIBUTE_BYTES = 8;
/** RFC 5389 §15.3: USERNAME is less than 513 bytes. */
export const MAX_USERNAME_BYTES = 512;
/**
 * A browser's connectivity check carries about six attributes. The cap bounds the work one datagram can
 * cause; nothing legitimate comes near it.
 */
const MAX_ATTRIBUTES = 32;

export interface StunAttribute {
  readonly type: number;
  /** Where the attribute's 4-byte header starts in the message. */
  readonly offset: number;
  /** The value's length, without padding. */
  readonly length: number;
}

export interface StunMessage {
  /** Method and class together, as on the wire (0x0001 is a Binding Request). */
  readonly type: number;
  readonly transactionId: Uint8Array;
  readonly attributes: readonly StunAttribute[];
  readonly bytes: Uint8Array;
}

export type ParseFailure = 'not-stun' | 'malformed' | 'bad-fingerprint';
export type ParseResult = { ok: true; message: StunMessage } | { ok: false; reason: ParseFailure };

const padded = (length: number) => (length + 3) & ~3;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Parses one datagram. Every length is checked against the bytes actually received, attributes must fill
 * the message exactly, and FINGERPRINT, if present, must be last and must match.
 */
export function parseStun(bytes: Uint8Array): ParseResult {
  if (bytes.length < HEADER_BYTES) return { ok: false, reason: 'not-stun' };
  const dv = view(bytes);
  const type = dv.getUint16(0);
  // The top two bits are zero in every STUN message (RFC 5389 §6), which tells it apart from DTLS and RTP.
  if ((type & 0xc000) !== 0 || dv.getUint32(4) !== MAGIC_COOKIE) return { ok: false, reason: 'not-stun' };
  const declared = dv.getUint16(2);
  if (declared % 4 !== 0 || HEADER_BYTES + declared !== bytes.length)
    return { ok: false, reason: 'malformed' };

  const attributes: StunAttribute[] = [];
  let pos = HEADER_BYTES;
  while (pos < bytes.length) {
    if (attributes.length >= MAX_ATTRIBUTES || pos + 4 > bytes.length)
      return { ok: false, reason: 'malformed' };
    const attrType = dv.getUint16(pos);
    const length = dv.getUint16(pos + 2);
    const next = pos + 4 + padded(length);
    if (next > bytes.length) return { ok: false, reason: 'malformed' };
    if (attrType === ATTRIBUTE.FINGERPRINT) {
      if (length !== 4 || next !== bytes.length) return { ok: false, reason: 'malformed' };
      // FINGERPRINT is last, so the header length already ends at it: the CRC covers the bytes as received.
      const expected = (crc32(bytes.subarray(0, pos)) ^ FINGERPRINT_XOR) >>> 0;
      if (dv.getUint32(pos + 4) !== expected) return { ok: false, reason: 'bad-fingerprint' };
    }
    attributes.push({ type: attrType, offset: pos, length });
    pos = next;
  }
  return {
    ok: true,
    message: { type, transactionId: bytes.subarray(8, HEADER_BYTES), attributes, bytes },
  };
}

/**
 * The attributes that count: RFC 5389 §15.4 says everything after MESSAGE-INTEGRITY except FINGERPRINT is
 * ignored, since the integrity check does not cover it.
 */
export function protectedAttributes(message: StunMessage): readonly StunAttribute[] {
  const mi = message.attributes.findIndex((a) => a.type === ATTRIBUTE.MESSAGE_INTEGRITY);
  return mi === -1 ? message.attributes : message.attributes.slice(0, mi + 1);
}

export function attributeValue(message: StunMessage, attribute: StunAttribute): Uint8Array {
  return message.bytes.subarray(attribute.offset + 4, attribute.offset + 4 + attribute.length);
}

/** USERNAME as text (ICE usernames are ASCII), or null if absent, too long, or only after MESSAGE-INTEGRITY. */
export function usernameOf(message: StunMessage): string | null {
  const attr = protectedAttributes(message).find((a) => a.type === ATTRIBUTE.USERNAME);
  if (!attr || attr.length === 0 || attr.length > MAX_USERNAME_BYTES) return null;
  return Buffer.from(attributeValue(message, attr)).toString('latin1');
}

/** The message up to `end` with its header length changed to `length`: what the MAC and CRC are taken over. */
function withLength(bytes: Uint8Array, end: number, length: number): Uint8Array {
  const copy = new Uint8Array(bytes.subarray(0, end));
  view(copy).setUint16(2, length);
  return copy;
}

function hmacSha1(key: string, data: Uint8Array): Uint8Array {
  return createHmac('sha1', Buffer.from(key, 'utf8')).update(data).digest();
}

/**
 * RFC 5389 §15.4: HMAC-SHA1, keyed with the short-term password, over the message up to MESSAGE-INTEGRITY,
 * with the header length adjusted to end just after MESSAGE-INTEGRITY (so a FINGERPRINT added later does
 * not change it). ICE passwords are plain ASCII, for which SASLprep changes nothing.
 */
export function hasValidIntegrity(message: StunMessage, password: string): boolean {
  const attr = message.attributes.find((a) => a.type === ATTRIBUTE.MESSAGE_INTEGRITY);
  if (!attr || attr.length !== INTEGRITY_BYTES) return false;
  const covered = withLength(
    message.bytes,
    attr.offset,
    attr.offset - HEADER_BYTES + INTEGRITY_ATTRIBUTE_BYTES,
  );
  return timingSafeEqual(hmacSha1(password, covered), attributeValue(message, attr));
}

/** Where a datagram came from: an IPv4 or IPv6 address (probe sockets listen on one of each at most). */
export interface TransportAddress {
  readonly address: string;
  readonly port: number;
}

function ipv4Bytes(address: string): Uint8Array | null {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return Uint8Array.from(parts.map(Number));
}

/** The 16 bytes of an IPv6 address as a socket reports it (compressed or full, an IPv4 tail allowed, no zone). */
function ipv6Bytes(address: string): Uint8Array | null {
  if (!address.includes(':') || address.length > 45) return null;
  let text = address;
  const tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Bytes(dotted[1] as string);
    if (!v4) return null;
    tail.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    // "a::1.2.3.4" leaves "a:" (its "::" restored), "::ffff:1.2.3.4" leaves "::ffff".
    text = text.slice(0, dotted.index);
    if (text.endsWith(':')) text = `${text}:`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const wanted = 8 - tail.length;
  const missing = wanted - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(missing).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const words = [...all.map((g) => Number.parseInt(g, 16)), ...tail];
  const out = new Uint8Array(16);
  for (const [i, w] of words.entries()) view(out).setUint16(2 * i, w);
  return out;
}

/**
 * RFC 5389 §15.2: port XOR the cookie's top 16 bits; IPv4 (family 0x01) XOR the cookie, IPv6 (family 0x02)
 * XOR the cookie and the transaction id. Null if the source is neither.
 */
export function xorMappedAddress(remote: TransportAddress, transactionId: Uint8Array): Uint8Array | null {
  if (!Number.isInteger(remote.port) || remote.port < 0 || remote.port > 65535) return null;
  const raw = ipv4Bytes(remote.address) ?? ipv6Bytes(remote.address);
  if (!raw || (raw.length === 16 && transactionId.length !== 12)) return null;
  const value = new Uint8Array(4 + raw.length);
  const dv = view(value);
  dv.setUint8(1, raw.length === 4 ? 0x01 : 0x02);
  dv.setUint16(2, remote.port ^ (MAGIC_COOKIE >>> 16));
  const key = new Uint8Array(raw.length);
  view(key).setUint32(0, MAGIC_COOKIE);
  if (raw.length === 16) key.set(transactionId, 4);
  raw.forEach((b, i) => {
    value[4 + i] = b ^ (key[i] as number);
  });
  return value;
}

/** Writes MESSAGE-INTEGRITY (keyed with password) at pos and FINGERPRINT after it: the last 32 bytes of out. */
function seal(out: Uint8Array, pos: number, password: string): void {
  const dv = view(out);
  dv.setUint16(pos, ATTRIBUTE.MESSAGE_INTEGRITY);
  dv.setUint16(pos + 2, INTEGRITY_BYTES);
  out.set(hmacSha1(password, withLength(out, pos, pos - HEADER_BYTES + INTEGRITY_ATTRIBUTE_BYTES)), pos + 4);
  const fp = pos + INTEGRITY_ATTRIBUTE_BYTES;
  dv.setUint16(fp, ATTRIBUTE.FINGERPRINT);
  dv.setUint16(fp + 2, 4);
  dv.setUint32(fp + 4, (crc32(out.subarray(0, fp)) ^ FINGERPRINT_XOR) >>> 0);
}

/**
 * A Binding Success Response to `request`: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY with the same password the
 * request was checked with, and FINGERPRINT. Nothing else (no SOFTWARE, no RFC 5780 attributes): 64 bytes
 * (76 to an IPv6 source),
 * less than a browser's connectivity check, so an answer never amplifies.
 */
export function bindingSuccess(
  transactionId: Uint8Array,
  remote: TransportAddress,
  password: string,
): Uint8Array | null {
  const mapped = xorMappedAddress(remote, transactionId);
  if (!mapped) return null;
  const size = HEADER_BYTES + 4 + mapped.length + INTEGRITY_ATTRIBUTE_BYTES + FINGERPRINT_ATTRIBUTE_BYTES;
  const out = new Uint8Array(size);
  const dv = view(out);
  dv.setUint16(0, MESSAGE_TYPE.BINDING_SUCCESS);
  dv.setUint16(2, size - HEADER_BYTES);
  dv.setUint32(4, MAGIC_COOKIE);
  out.set(transactionId, 8);
  let pos = HEADER_BYTES;
  dv.setUint16(pos, ATTRIBUTE.XOR_MAPPED_ADDRESS);
  dv.setUint16(pos + 2, mapped.length);
  out.set(mapped, pos + 4);
  pos += 4 + mapped.length;
  seal(out, pos, password);
  return out;
}

/** Binding Request header, USERNAME (padded), PRIORITY, ICE-CONTROLLED, MESSAGE-INTEGRITY and FINGERPRINT. */
export function bindingRequest(
  transactionId: Uint8Array,
  username: string,
  password: string,
  tieBreaker: Uint8Array,
): Uint8Array {
  const user = Buffer.from(username, 'latin1');
  const size =
    HEADER_BYTES + 4 + padded(user.length) + 8 + 12 + INTEGRITY_ATTRIBUTE_BYTES + FINGERPRINT_ATTRIBUTE_BYTES;
  const out = new Uint8Array(size);
  const dv = view(out);
  dv.setUint16(0, MESSAGE_TYPE.BINDING_REQUEST);
  dv.setUint16(2, size - HEADER_BYTES);
  dv.setUint32(4, MAGIC_COOKIE);
  out.set(transactionId.subarray(0, 12), 8);
  let pos = HEADER_BYTES;
  dv.setUint16(pos, ATTRIBUTE.USERNAME);
  dv.setUint16(pos + 2, user.length);
  out.set(user, pos + 4);
  pos += 4 + padded(user.length);
  // RFC 8445 §7.1.1: a peer-reflexive priority (type preference 110), as an ICE agent's check carries.
  dv.setUint16(pos, ATTRIBUTE.PRIORITY);
  dv.setUint16(pos + 2, 4);
  dv.setUint32(pos + 4, ((110 << 24) | (65535 << 8) | 255) >>> 0);
  pos += 8;
  // The relay is ICE-lite, so always the controlled agent: the browser sees no role conflict.
  dv.setUint16(pos, ATTRIBUTE.ICE_CONTROLLED);
  dv.setUint16(pos + 2, 8);
  out.set(tieBreaker.subarray(0, 8), pos + 4);
  pos += 12;
  seal(out, pos, password);
  return out;
}
