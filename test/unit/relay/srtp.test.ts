/**
 * The lean echo's SRTP (src/relay/media/srtp.ts) against werift's own SRTP, which browsers interoperate
 * with: what werift protects as the client, the lean path opens; what the lean path protects as the relay,
 * werift opens as the client would. Both profiles the relay negotiates, across a sequence-number wrap.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtpHeader, SrtpSession } from 'werift';
import {
  MAX_SRTP_BYTES,
  RolloverCounter,
  rtpPayloadOffset,
  type SrtpProfile,
  srtpContext,
} from '../../../src/relay/media/srtp.ts';

const PROFILES: Array<[SrtpProfile, number, number]> = [
  ['aes-cm-128-hmac-sha1-80', 1, 14],
  ['aead-aes-128-gcm', 7, 12],
];

interface ContextKeys {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
}
const keysOf = (c: unknown) => {
  const k = c as ContextKeys;
  return { key: k.srtpSessionKey, salt: k.srtpSessionSalt, authKey: k.srtpSessionAuthTag };
};

/** A client (werift) and the relay's lean contexts made from werift's relay-side session keys. */
function pair(profileId: number, profile: SrtpProfile, saltLength: number) {
  const client = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const relay = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const clientSession = new SrtpSession({
    keys: {
      localMasterKey: client.key,
      localMasterSalt: client.salt,
      remoteMasterKey: relay.key,
      remoteMasterSalt: relay.salt,
    },
    profile: profileId as never,
  });
  const relaySession = new SrtpSession({
    keys: {
      localMasterKey: relay.key,
      localMasterSalt: relay.salt,
      remoteMasterKey: client.key,
      remoteMasterSalt: client.salt,
    },
    profile: profileId as never,
  });
  return {
    clientSession,
    fromClient: srtpContext(profile, keysOf(relaySession.remoteContext)),
    toClient: srtpContext(profile, keysOf(relaySession.localContext)),
  };
}

/** A header with a one-byte extension (audio level) and a CSRC, so the payload offset is not 12. */
function header(seq: number): RtpHeader {
  return new RtpHeader({
    payloadType: 111,
    sequenceNumber: seq,
    timestamp: seq * 960,
    ssrc: 0x11223344,
    marker: seq % 7 === 0,
    csrcLength: 1,
    csrc: [0x0a0b0c0d],
    extension: true,
    extensions: [{ id: 1, payload: Buffer.from([0x85]) }],
  });
}

describe('lean echo SRTP', () => {
  for (const [profile, id, saltLength] of PROFILES) {
    it(`${profile}: opens werift's packets and werift opens its echoes, across a sequence wrap`, () => {
      const { clientSession, fromClient, toClient } = pair(id, profile, saltLength);
      // 65530 … 65535, 0 … 5: the rollover counter must step to 1 on both sides.
      for (let i = 0; i < 12; i++) {
        const seq = (65_530 + i) & 0xffff;
        const payload = randomBytes(80);
        const srtp = clientSession.encrypt(payload, header(seq));
        const plain = fromClient.unprotect(srtp);
        expect(plain, `seq ${seq}`).not.toBeNull();
        if (!plain) return;
        expect(plain.roc).toBe(i < 6 ? 0 : 1);
        expect(plain.packet.subarray(plain.payloadOffset)).toEqual(payload);
        expect(plain.packet.readUInt16BE(2)).toBe(seq);

        // The echo as the lean path makes it: the relay's SSRC written in, then protected.
        plain.packet.writeUInt32BE(0x55667788, 8);
        const echo = toClient.protect(plain.packet, plain.payloadOffset, plain.roc);
        const opened = clientSession.remoteContext.decryptRtp(echo)[0];
        expect(opened.subarray(plain.payloadOffset)).toEqual(payload);
        expect(opened.readUInt32BE(8)).toBe(0x55667788);
        expect(opened.readUInt16BE(2)).toBe(seq);

        // And as it really does: the same datagram turned into the echo where it lies.
        expect(plain.packet.buffer).toBe(srtp.buffer);
        const inPlace = toClient.protectInPlace(srtp, plain.packet.length, plain.payloadOffset, plain.roc);
        expect(inPlace).toBe(srtp);
        expect(inPlace).toEqual(echo);
      }
    });

    it(`${profile}: refuses a tampered, truncated or oversized packet`, () => {
      const { clientSession, fromClient } = pair(id, profile, saltLength);
      const srtp = clientSession.encrypt(randomBytes(80), header(100));
      const tampered = Buffer.from(srtp);
      tampered[30] = (tampered[30] as number) ^ 1;
      const asSent = Buffer.from(tampered);
      expect(fromClient.unprotect(tampered)).toBeNull();
      // Refused, it is left as it came (it is decrypted in place only once authentic).
      expect(tampered).toEqual(asSent);
      expect(fromClient.unprotect(srtp.subarray(0, 20))).toBeNull();
      expect(fromClient.unprotect(Buffer.concat([srtp, Buffer.alloc(MAX_SRTP_BYTES)]))).toBeNull();
      // The genuine packet still opens: a refused one changed no state.
      expect(fromClient.unprotect(srtp)).not.toBeNull();
    });
  }
});

describe('rtpPayloadOffset', () => {
  it('finds the payload after CSRCs and the header extension, and refuses headers that do not fit', () => {
    const packet = header(1).serialize(header(1).serializeSize);
    // 12 fixed + 4 CSRC + 4 extension header + 4 extension data.
    expect(rtpPayloadOffset(packet, packet.length)).toBe(24);
    expect(rtpPayloadOffset(packet, 23)).toBe(-1);
    expect(rtpPayloadOffset(packet, 11)).toBe(-1);
    const notV2 = Buffer.from(packet);
    notV2[0] = (notV2[0] as number) & 0x3f;
    expect(rtpPayloadOffset(notV2, notV2.length)).toBe(-1);
    // An extension length that claims 65535 words is refused, not read.
    const huge = Buffer.from(packet);
    huge.writeUInt16BE(0xffff, 18);
    expect(rtpPayloadOffset(huge, huge.length)).toBe(-1);
  });
});

describe('RolloverCounter (RFC 3711 §3.3.1)', () => {
  it('steps forward on a wrap, guesses back for a late packet from before it, and ignores what was never committed', () => {
    const roc = new RolloverCounter();
    expect(roc.estimate(65_000)).toBe(0);
    roc.commit(65_000, 0);
    expect(roc.estimate(10)).toBe(1);
    // Not committed (a forged packet): the next genuine one is estimated as before.
    expect(roc.estimate(10)).toBe(1);
    roc.commit(10, 1);
    expect(roc.estimate(65_400)).toBe(0);
    expect(roc.estimate(20)).toBe(1);
    const fresh = new RolloverCounter();
    fresh.commit(5, 0);
    // A packet from before the stream's first (roc would be -1) cannot be opened.
    expect(fresh.estimate(65_500)).toBe(-1);
  });
});
