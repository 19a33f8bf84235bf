import { describe, expect, it } from 'vitest';
import { BitrateCap } from '../../../src/relay/core/bitrate-cap.ts';

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
});
