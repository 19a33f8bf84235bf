/**
 * werift's SRTP and SRTCP sessions with KeyObject keys (src/relay/media/werift-key-objects.ts) still
 * interoperate with a client whose werift keeps Buffer keys: the relay's RTCP reaches the client, the
 * client's RTCP and SRTP open at the relay. Both profiles the relay negotiates. If a werift update renames
 * the cipher fields, nothing is replaced and the first assertion fails.
 */
import { KeyObject, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtpHeader, SrtcpSession, SrtpSession } from 'werift';
import { keyObjectsForWerift, type WeriftSrtpSession } from '../../../src/relay/media/werift-key-objects.ts';

const PROFILES: Array<[string, number, number]> = [
  ['aes-cm-128-hmac-sha1-80', 1, 14],
  ['aead-aes-128-gcm', 7, 12],
];

function configs(profile: number, saltLength: number) {
  const relay = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const client = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const keys = (local: typeof relay, remote: typeof relay) => ({
    keys: {
      localMasterKey: local.key,
      localMasterSalt: local.salt,
      remoteMasterKey: remote.key,
      remoteMasterSalt: remote.salt,
    },
    profile: profile as never,
  });
  return { relay: keys(relay, client), client: keys(client, relay) };
}

/** A receiver report (RFC 3550 §6.4.2) with one report block: 32 bytes. */
function receiverReport(ssrc: number): Buffer {
  const rr = Buffer.alloc(32);
  rr[0] = 0x81;
  rr[1] = 201;
  rr.writeUInt16BE(7, 2);
  rr.writeUInt32BE(ssrc, 4);
  rr.writeUInt32BE(0x01020304, 8);
  rr.writeUInt32BE(1234, 16);
  return rr;
}

describe('werift SRTP and SRTCP with KeyObject keys', () => {
  for (const [name, profile, saltLength] of PROFILES) {
    it(`${name}: the relay's RTCP opens at the client, and the client's RTCP and SRTP at the relay`, () => {
      const c = configs(profile, saltLength);
      const relayRtcp = new SrtcpSession(c.relay);
      const relayRtp = new SrtpSession(c.relay);
      const clientRtcp = new SrtcpSession(c.client);
      const clientRtp = new SrtpSession(c.client);
      const sessions = [relayRtcp, relayRtp] as unknown as WeriftSrtpSession[];
      // Key and (AES-CM only) HMAC key, for SRTP and SRTCP, both directions, both sessions.
      expect(keyObjectsForWerift(sessions)).toBe(profile === 1 ? 16 : 8);
      const cipher = (relayRtcp as unknown as { localContext: { cipher: Record<string, unknown> } })
        .localContext.cipher;
      expect(cipher.srtcpSessionKey).toBeInstanceOf(KeyObject);
      // Done twice, nothing more is replaced.
      expect(keyObjectsForWerift(sessions)).toBe(0);

      for (let i = 0; i < 3; i++) {
        const rr = receiverReport(0x1000 + i);
        expect(clientRtcp.decrypt(relayRtcp.encrypt(rr))).toEqual(rr);
        expect(relayRtcp.decrypt(clientRtcp.encrypt(rr))).toEqual(rr);
      }
      const payload = randomBytes(80);
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 0x11223344 });
      const [opened] = relayRtp.remoteContext.decryptRtp(clientRtp.encrypt(payload, header));
      expect(opened.subarray(12)).toEqual(payload);
    });
  }
});
