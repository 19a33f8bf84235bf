/**
 * bench:relay-cpu's native callers (scripts/bench/native/pump.cc): the packet they send and the SRTP they
 * send and read must be what the relay's own SRTP (src/relay/media/srtp.ts) makes and accepts, or the
 * benchmark would measure refusals. The addon is built with g++ as the benchmark builds it.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPump, type NativePump } from '../../../scripts/bench/native/build.ts';
import { srtpContext } from '../../../src/relay/media/srtp.ts';

let pump: NativePump;
beforeAll(() => {
  pump = loadPump();
}, 120_000);

const key = randomBytes(16);
const salt = randomBytes(12);
const relayView = () => srtpContext('aead-aes-128-gcm', { key, salt, authKey: Buffer.alloc(0) });
const SEND_NS = 1_764_800_000_123_456_800;

function packet(seq = 4242): Buffer {
  return pump.buildPacket(80, 111, seq, 0xdeadbeef, 0x5eed, 7, 123, SEND_NS);
}

describe('the native callers’ RTP packet', () => {
  it('has the header and payload the benchmark reads back', () => {
    const p = packet();
    expect(p.length).toBe(12 + 80);
    expect(p[0]).toBe(0x80);
    expect(p[1]).toBe(111);
    expect(p.readUInt16BE(2)).toBe(4242);
    expect(p.readUInt32BE(4)).toBe(0xdeadbeef);
    expect(p.readUInt32BE(8)).toBe(0x5eed);
    const payload = pump.readPayload(p.subarray(12));
    expect(payload?.stream).toBe(7);
    expect(payload?.number).toBe(123);
    // A double holds the nanoseconds to within a microsecond: enough for round trips in ms.
    expect(Math.abs((payload?.sendNs ?? 0) - SEND_NS)).toBeLessThan(1000);
  });

  it('reads nothing from a payload that is not its own', () => {
    expect(pump.readPayload(Buffer.alloc(80, 0x55))).toBeNull();
    expect(pump.readPayload(Buffer.alloc(10))).toBeNull();
  });
});

describe('SRTP AEAD_AES_128_GCM, native against the relay’s srtp.ts', () => {
  it('the relay decrypts what the native caller encrypts', () => {
    const p = packet();
    const srtp = pump.gcmProtect(key, salt, p, 0);
    expect(srtp.length).toBe(p.length + 16);
    expect(srtp.subarray(12, p.length).equals(p.subarray(12))).toBe(false);
    const plain = relayView().unprotect(Buffer.from(srtp));
    expect(plain?.packet.equals(p)).toBe(true);
    expect(plain?.payloadOffset).toBe(12);
  });

  it('the native caller decrypts what the relay encrypts, with the rollover counter in the IV', () => {
    const p = packet(7);
    for (const roc of [0, 1, 70_000]) {
      const srtp = relayView().protect(p, 12, roc);
      expect(pump.gcmUnprotect(key, salt, srtp, roc)?.equals(p)).toBe(true);
      expect(pump.gcmUnprotect(key, salt, srtp, roc + 1)).toBeNull();
    }
  });

  it('refuses a packet changed on the way, in the header or the payload, or under another key', () => {
    const srtp = pump.gcmProtect(key, salt, packet(), 0);
    for (const at of [1, 5, 20, srtp.length - 1]) {
      const bad = Buffer.from(srtp);
      bad[at] = (bad[at] as number) ^ 1;
      expect(pump.gcmUnprotect(key, salt, bad, 0)).toBeNull();
      expect(relayView().unprotect(bad)).toBeNull();
    }
    expect(pump.gcmUnprotect(randomBytes(16), salt, srtp, 0)).toBeNull();
    expect(pump.gcmUnprotect(key, salt, srtp.subarray(0, 20), 0)).toBeNull();
  });

  it('agrees byte for byte with the relay’s encryption', () => {
    const p = packet(65_535);
    expect(pump.gcmProtect(key, salt, p, 3).equals(relayView().protect(p, 12, 3))).toBe(true);
  });
});
