import { describe, expect, it } from 'vitest';
import { AUDIO_ALLOWANCE_BPS, BitrateCap, maxMessageBytes } from '../../../src/relay/core/bitrate-cap.ts';

/** Feeds `bytesPerPacket` every `intervalMs` for `ms`; returns the time of the first packet over the cap, or null. */
function feed(
  cap: BitrateCap,
  bytesPerPacket: number,
  intervalMs: number,
  ms: number,
  start = 0,
): number | null {
  for (let t = start; t < start + ms; t += intervalMs) if (!cap.add(bytesPerPacket, t)) return t;
  return null;
}

describe('BitrateCap', () => {
  it('lets audio with data channel probes through for a long time (~150 kbit/s under a 256 kbit/s cap)', () => {
    const cap = new BitrateCap({ maxBitsPerSecond: 256_000 });
    // 100 packets a second of ~190 bytes: RTP and SCTP both ways, headers included.
    expect(feed(cap, 190, 10, 120_000)).toBeNull();
    expect(cap.bitsPerSecond()).toBeGreaterThan(140_000);
    expect(cap.bitsPerSecond()).toBeLessThan(160_000);
  });

  it('takes a DTLS-handshake-sized burst at the start', () => {
    const cap = new BitrateCap({ maxBitsPerSecond: 256_000 });
    expect(feed(cap, 1200, 1, 8)).toBeNull();
    expect(feed(cap, 190, 10, 10_000, 10)).toBeNull();
  });

  it('trips within the window on a flood, and on a steady rate just above the cap', () => {
    const flood = new BitrateCap({ maxBitsPerSecond: 256_000 });
    // 10 Mbit/s: 1250 bytes every ms; the 2 s budget is 64 000 bytes, gone within ~52 ms.
    const at = feed(flood, 1250, 1, 2000);
    expect(at).not.toBeNull();
    expect(at as number).toBeLessThan(60);
    const above = new BitrateCap({ maxBitsPerSecond: 256_000 });
    // 300 kbit/s: 375 bytes every 10 ms.
    expect(feed(above, 375, 10, 5000)).not.toBeNull();
  });

  it('forgets what left the window, so a pause resets it', () => {
    const cap = new BitrateCap({ maxBitsPerSecond: 256_000 });
    expect(feed(cap, 300, 10, 2000)).toBeNull(); // 240 kbit/s: just under
    expect(cap.add(0, 10_000)).toBe(true);
    expect(cap.bitsPerSecond()).toBe(0);
  });

  it.each([
    [256_000, 35_454],
    [128_000, 6363],
    [1_000_000, 65_536],
  ])(
    'advertises a max-message-size that one message, sent while audio flows, fits under %i bit/s',
    (bps, size) => {
      expect(maxMessageBytes(bps)).toBe(size);
      const cap = new BitrateCap({ maxBitsPerSecond: bps });
      // 2 s of audio at the allowance (a 20 ms packet each), then the message with its DTLS/SCTP overhead.
      const packet = AUDIO_ALLOWANCE_BPS / 8 / 50;
      for (let t = 0; t < 2000; t += 20) expect(cap.add(packet, t)).toBe(true);
      expect(cap.add(Math.ceil(size * 1.1), 1999)).toBe(true);
    },
  );
});
