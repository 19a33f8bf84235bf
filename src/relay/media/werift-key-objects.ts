/**
 * werift's SRTP and SRTCP ciphers with their session keys as KeyObjects. werift hands its Buffer keys to
 * createCipheriv and createHmac for every packet, and Node prepares a Buffer key anew each time: on this
 * project's 2-core VM one AES-GCM cipher took ~25 µs to create from a Buffer key against ~2-3 µs from a
 * KeyObject (ad-hoc probe, BENCHMARKS.md). Node's cipher and HMAC functions take either, with the same
 * result. The lean echo (lean-echo.ts) does the audio itself; what stays with werift is the relay's RTCP
 * (a sender and a receiver report about once a second each per session) and the client's RTCP, and every
 * one of those paid the Buffer key's price.
 *
 * Only werift's cipher objects are changed (their own fields, read only to make ciphers and HMACs); the
 * contexts' copies of the keys, which the lean echo reads, stay Buffers.
 */
import { createSecretKey } from 'node:crypto';

const KEY_FIELDS = [
  'srtpSessionKey',
  'srtcpSessionKey',
  'srtpSessionAuthTag',
  'srtcpSessionAuthTag',
] as const;

/** werift 0.25's cipher fields (CipherAesCtr and CipherAesGcm); werift-key-objects.test.ts checks them. */
type WeriftCipher = Partial<Record<(typeof KEY_FIELDS)[number], unknown>>;

/** werift's SrtpSession or SrtcpSession, as far as this reads it. */
export interface WeriftSrtpSession {
  localContext?: { cipher?: WeriftCipher };
  remoteContext?: { cipher?: WeriftCipher };
}

/** Replaces the Buffer keys of the sessions' ciphers by KeyObjects; returns how many it replaced. */
export function keyObjectsForWerift(sessions: ReadonlyArray<WeriftSrtpSession | undefined>): number {
  let replaced = 0;
  for (const session of sessions) {
    for (const context of [session?.localContext, session?.remoteContext]) {
      const cipher = context?.cipher;
      if (!cipher) continue;
      for (const field of KEY_FIELDS) {
        const key = cipher[field];
        if (Buffer.isBuffer(key) && key.length > 0) {
          cipher[field] = createSecretKey(key);
          replaced++;
        }
      }
    }
  }
  return replaced;
}
