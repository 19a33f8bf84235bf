/**
 * SRTP for the lean echo (lean-echo.ts): unprotect one RTP packet from the client and protect the echo,
 * with Node's native crypto and nothing else per packet. The two profiles the relay's DTLS negotiates:
 * AES_CM_128_HMAC_SHA1_80 (RFC 3711) and AEAD_AES_128_GCM (RFC 7714).
 *
 * Why not werift's SRTP: it passes the session key as a Buffer to createCipheriv for every packet, and Node
 * then spends ~10 µs per call checking whether the Buffer is a KeyObject (measured: 14.5 µs for an
 * AES-GCM encryption of an 80-byte payload against 3.8 µs with a KeyObject), twice per echoed packet. Here
 * the session keys are KeyObjects made once per session, AES-CM's keystream comes from one long-lived
 * AES-ECB cipher, and HMAC-SHA1 is two one-shot hashes over precomputed pads.
 *
 * Every input is bounded: a packet is refused (null) unless its header fits, its authentication tag
 * verifies and its length is at most MAX_SRTP_BYTES. No allocation depends on anything but that length.
 */
import {
  type Cipheriv,
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hash,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';

export type SrtpProfile = 'aes-cm-128-hmac-sha1-80' | 'aead-aes-128-gcm';

/** werift's DTLS-SRTP protection profile numbers (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export function profileFromId(id: number): SrtpProfile | null {
  if (id === 1) return 'aes-cm-128-hmac-sha1-80';
  if (id === 7) return 'aead-aes-128-gcm';
  return null;
}

/** One direction's SRTP session keys, already derived from the DTLS master keys (RFC 3711 §4.3). */
export interface SrtpSessionKeys {
  /** 16 bytes. */
  key: Buffer;
  /** 14 bytes (AES-CM) or at least 12 (GCM: the first 12 are used). */
  salt: Buffer;
  /** 20 bytes, AES-CM only. */
  authKey: Buffer;
}

/** Larger than any audio packet a browser sends (and than the relay's own datagram cap). */
export const MAX_SRTP_BYTES = 1500;
const RTP_HEADER = 12;
const HMAC_TAG = 10;
const GCM_TAG = 16;
const SHA1_BLOCK = 64;

/**
 * Where the payload of an RTP packet starts (after CSRCs and the header extension), or -1 when the header
 * does not fit in `end` bytes or is not RTP version 2. Reads at most 4 fixed fields: no loop over input.
 */
export function rtpPayloadOffset(packet: Buffer, end: number): number {
  const first = packet[0] as number;
  if (end < RTP_HEADER || first >> 6 !== 2) return -1;
  let offset = RTP_HEADER + 4 * (first & 0x0f);
  if (first & 0x10) {
    if (offset + 4 > end) return -1;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset <= end ? offset : -1;
}

/**
 * RFC 3711 §3.3.1: the rollover counter of the packet index, estimated from the highest sequence number
 * seen so far, and updated only once a packet proved authentic.
 */
export class RolloverCounter {
  private roc = 0;
  private highest = -1;

  /** The ROC this sequence number most likely belongs to (may be -1: from before the stream started). */
  estimate(seq: number): number {
    const s = this.highest;
    if (s < 0) return 0;
    if (s < 0x8000) return seq - s > 0x8000 ? this.roc - 1 : this.roc;
    return s - 0x8000 > seq ? this.roc + 1 : this.roc;
  }

  /** The counter and the highest sequence number so far (-1: none yet), to continue elsewhere. */
  state(): { roc: number; highest: number } {
    return { roc: this.roc, highest: this.highest };
  }

  /** After the packet with `seq` and estimated `roc` authenticated. */
  commit(seq: number, roc: number): void {
    if (this.highest < 0 || roc > this.roc) {
      this.roc = roc;
      this.highest = seq;
    } else if (roc === this.roc && seq > this.highest) {
      this.highest = seq;
    }
  }
}

/** A packet that unprotect() accepted: its plaintext (header included) and its packet index's ROC. */
export interface RtpPlain {
  packet: Buffer;
  payloadOffset: number;
  roc: number;
}

/**
 * One direction of one SRTP session. `unprotect` for what the client sent, `protect` for the echo.
 * `unprotect` decrypts in place once the packet proved authentic: the plain packet is a view of the
 * datagram's first bytes, its tag still after it, so `protectInPlace` can turn the same datagram into the
 * echo (both directions of a session share the profile, so the tag has the same length) and no packet is
 * allocated or copied per echo. A refused datagram is left as it came.
 */
export interface SrtpContext {
  /** The authentication tag's length in bytes. */
  readonly tagLength: number;
  /** Where the rollover counter stands (the native echo continues from it). */
  rollover(): { roc: number; highest: number };
  unprotect(srtp: Buffer): RtpPlain | null;
  /** `rtp` (a plain RTP packet, header included) protected with index (`roc`, its sequence number). */
  protect(rtp: Buffer, payloadOffset: number, roc: number): Buffer;
  /**
   * `datagram[0, end)` (a plain RTP packet) protected in place, its tag written at `end`; the datagram must
   * be exactly `end + tagLength` long. Returns the datagram.
   */
  protectInPlace(datagram: Buffer, end: number, payloadOffset: number, roc: number): Buffer;
}

export function srtpContext(profile: SrtpProfile, keys: SrtpSessionKeys): SrtpContext {
  return profile === 'aead-aes-128-gcm' ? new GcmContext(keys) : new CmContext(keys);
}

/** Where an SRTP packet's parts are, and its index as estimated (the ROC only a guess until the tag verifies). */
interface SrtpLayout {
  /** Where the authentication tag starts. */
  end: number;
  payloadOffset: number;
  seq: number;
  roc: number;
}

/** The layout of `srtp` with a `tagLength`-byte tag, or null when it cannot be a packet of this session. */
function layout(srtp: Buffer, tagLength: number, rollover: RolloverCounter): SrtpLayout | null {
  const end = srtp.length - tagLength;
  if (srtp.length > MAX_SRTP_BYTES) return null;
  const payloadOffset = rtpPayloadOffset(srtp, end);
  if (payloadOffset < 0) return null;
  const seq = srtp.readUInt16BE(2);
  const roc = rollover.estimate(seq);
  return roc < 0 ? null : { end, payloadOffset, seq, roc };
}

/** The 12-byte GCM IV, or the first 14 bytes of the AES-CM counter block: salt ⊕ (SSRC, ROC, SEQ). */
function writeIv(
  iv: Buffer,
  salt: Buffer,
  packet: Buffer,
  roc: number,
  ssrcAt: number,
  length: number,
): void {
  iv.fill(0);
  packet.copy(iv, ssrcAt, 8, 12);
  iv.writeUInt32BE(roc >>> 0, ssrcAt + 4);
  iv[ssrcAt + 8] = packet[2] as number;
  iv[ssrcAt + 9] = packet[3] as number;
  for (let i = 0; i < length; i++) iv[i] = (iv[i] as number) ^ (salt[i] as number);
}

class GcmContext implements SrtpContext {
  readonly tagLength = GCM_TAG;
  private readonly key: KeyObject;
  private readonly salt: Buffer;
  private readonly iv = Buffer.alloc(12);
  private readonly roc = new RolloverCounter();

  rollover(): { roc: number; highest: number } {
    return this.roc.state();
  }

  constructor(keys: SrtpSessionKeys) {
    this.key = createSecretKey(keys.key);
    this.salt = Buffer.from(keys.salt.subarray(0, 12));
  }

  unprotect(srtp: Buffer): RtpPlain | null {
    const at = layout(srtp, GCM_TAG, this.roc);
    if (!at) return null;
    const { end, payloadOffset, seq, roc } = at;
    writeIv(this.iv, this.salt, srtp, roc, 2, 12);
    // GCM's tag is 16 bytes, Node's default: no options object to validate per packet.
    const decipher = createDecipheriv('aes-128-gcm', this.key, this.iv);
    decipher.setAAD(srtp.subarray(0, payloadOffset));
    decipher.setAuthTag(srtp.subarray(end));
    const plain = decipher.update(srtp.subarray(payloadOffset, end));
    try {
      decipher.final();
    } catch {
      return null;
    }
    this.roc.commit(seq, roc);
    plain.copy(srtp, payloadOffset);
    return { packet: srtp.subarray(0, end), payloadOffset, roc };
  }

  protect(rtp: Buffer, payloadOffset: number, roc: number): Buffer {
    const out = Buffer.allocUnsafe(rtp.length + GCM_TAG);
    rtp.copy(out);
    return this.protectInPlace(out, rtp.length, payloadOffset, roc);
  }

  protectInPlace(datagram: Buffer, end: number, payloadOffset: number, roc: number): Buffer {
    if (datagram.length !== end + GCM_TAG) throw new RangeError('no room for the SRTP tag');
    writeIv(this.iv, this.salt, datagram, roc, 2, 12);
    const cipher = createCipheriv('aes-128-gcm', this.key, this.iv);
    cipher.setAAD(datagram.subarray(0, payloadOffset));
    cipher.update(datagram.subarray(payloadOffset, end)).copy(datagram, payloadOffset);
    cipher.final();
    cipher.getAuthTag().copy(datagram, end);
    return datagram;
  }
}

class CmContext implements SrtpContext {
  readonly tagLength = HMAC_TAG;
  /** AES-ECB of the counter blocks is AES-CM's keystream; one cipher for the session's life. */
  private readonly ecb: Cipheriv;
  private readonly salt: Buffer;
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;
  private readonly roc = new RolloverCounter();
  private readonly counter = Buffer.alloc(14);
  /** Counter blocks for the longest payload (MAX_SRTP_BYTES): rewritten per packet, never grown. */
  private readonly blocks = Buffer.alloc(Math.ceil(MAX_SRTP_BYTES / 16) * 16);
  private readonly rocBytes = Buffer.alloc(4);

  rollover(): { roc: number; highest: number } {
    return this.roc.state();
  }

  constructor(keys: SrtpSessionKeys) {
    this.ecb = createCipheriv('aes-128-ecb', createSecretKey(keys.key), null);
    this.ecb.setAutoPadding(false);
    this.salt = Buffer.from(keys.salt.subarray(0, 14));
    // HMAC (RFC 2104) over a 20-byte key: SHA1((K ⊕ opad) ‖ SHA1((K ⊕ ipad) ‖ m)).
    this.innerPad = Buffer.alloc(SHA1_BLOCK, 0x36);
    this.outerPad = Buffer.alloc(SHA1_BLOCK + 20, 0x5c);
    for (let i = 0; i < keys.authKey.length; i++) {
      this.innerPad[i] = (this.innerPad[i] as number) ^ (keys.authKey[i] as number);
      this.outerPad[i] = (this.outerPad[i] as number) ^ (keys.authKey[i] as number);
    }
  }

  private tag(authenticated: Buffer, roc: number): Buffer {
    this.rocBytes.writeUInt32BE(roc >>> 0, 0);
    const inner = hash('sha1', Buffer.concat([this.innerPad, authenticated, this.rocBytes]), 'buffer');
    inner.copy(this.outerPad, SHA1_BLOCK);
    return hash('sha1', this.outerPad, 'buffer').subarray(0, HMAC_TAG);
  }

  /** XORs `data[from..to)` with the keystream for (packet's SSRC, roc, seq), in place. */
  private crypt(data: Buffer, header: Buffer, roc: number, from: number, to: number): void {
    writeIv(this.counter, this.salt, header, roc, 4, 14);
    const n = Math.ceil((to - from) / 16);
    for (let b = 0; b < n; b++) {
      const at = b * 16;
      this.counter.copy(this.blocks, at);
      this.blocks.writeUInt16BE(b, at + 14);
    }
    const keystream = this.ecb.update(this.blocks.subarray(0, n * 16));
    for (let i = from, k = 0; i < to; i++, k++) data[i] = (data[i] as number) ^ (keystream[k] as number);
  }

  unprotect(srtp: Buffer): RtpPlain | null {
    const at = layout(srtp, HMAC_TAG, this.roc);
    if (!at) return null;
    const { end, payloadOffset, seq, roc } = at;
    const expected = this.tag(srtp.subarray(0, end), roc);
    if (!timingSafeEqual(expected, srtp.subarray(end))) return null;
    this.roc.commit(seq, roc);
    this.crypt(srtp, srtp, roc, payloadOffset, end);
    return { packet: srtp.subarray(0, end), payloadOffset, roc };
  }

  protect(rtp: Buffer, payloadOffset: number, roc: number): Buffer {
    const out = Buffer.allocUnsafe(rtp.length + HMAC_TAG);
    rtp.copy(out);
    return this.protectInPlace(out, rtp.length, payloadOffset, roc);
  }

  protectInPlace(datagram: Buffer, end: number, payloadOffset: number, roc: number): Buffer {
    if (datagram.length !== end + HMAC_TAG) throw new RangeError('no room for the SRTP tag');
    this.crypt(datagram, datagram, roc, payloadOffset, end);
    this.tag(datagram.subarray(0, end), roc).copy(datagram, end);
    return datagram;
  }
}
