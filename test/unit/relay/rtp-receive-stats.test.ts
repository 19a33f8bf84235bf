/**
 * What the relay's receiver reports say about the client's audio when the lean echo takes the packets
 * (core/rtp-receive-stats.ts), and the lean path's packet sorting and sender-report clock (media/lean-echo.ts).
 */
import { describe, expect, it } from 'vitest';
import { RtpReceiveStats } from '../../../src/relay/core/rtp-receive-stats.ts';
import { isRtp, ntpFromUnixMs } from '../../../src/relay/media/lean-echo.ts';

describe('RtpReceiveStats', () => {
  it('counts loss since the first packet, across a sequence wrap, and the fraction per report interval', () => {
    const stats = new RtpReceiveStats(48_000);
    // 65530 … 65535, 0 … 9 with 2 and 3 missing: 16 expected, 14 received.
    for (let i = 0; i < 16; i++) {
      const seq = (65_530 + i) & 0xffff;
      if (seq === 2 || seq === 3) continue;
      // 20 ms of 48 kHz audio per packet, arriving exactly 20 ms apart.
      stats.add(seq, i * 960, i * 0.02);
    }
    expect(stats.packets_lost).toBe(2);
    expect(stats.max_seq).toBe(9);
    // 2 of 16 in this interval: 2 × 256 / 16 = 32; the next interval starts empty.
    expect(stats.fraction_lost).toBe(32);
    expect(stats.fraction_lost).toBe(0);
    // Evenly spaced, on time: no jitter.
    expect(stats.jitter).toBe(0);
  });

  it('counts a late or duplicate packet as received without moving the highest sequence number', () => {
    const stats = new RtpReceiveStats(8000);
    stats.add(10, 0, 0);
    stats.add(12, 320, 0.04);
    stats.add(11, 160, 0.05);
    stats.add(12, 320, 0.06);
    expect(stats.max_seq).toBe(12);
    expect(stats.packets_lost).toBe(0);
  });

  it('measures jitter when packets arrive unevenly (RFC 3550 §A.8)', () => {
    const stats = new RtpReceiveStats(8000);
    for (let i = 0; i < 50; i++) stats.add(i, i * 160, i * 0.02 + (i % 2 ? 0.005 : 0));
    // Transit alternates by 5 ms = 40 timestamp units; the estimate converges towards that.
    expect(stats.jitter).toBeGreaterThan(30);
    expect(stats.jitter).toBeLessThanOrEqual(40);
  });
});

describe('lean echo packet sorting and clock', () => {
  it('takes RTP, and leaves RTCP, DTLS and STUN to werift (RFC 7983, RFC 5761)', () => {
    const rtp = Buffer.alloc(20);
    rtp[0] = 0x80;
    rtp[1] = 111;
    expect(isRtp(rtp)).toBe(true);
    const rtcp = Buffer.from(rtp);
    rtcp[1] = 200;
    expect(isRtp(rtcp)).toBe(false);
    const dtls = Buffer.from(rtp);
    dtls[0] = 22;
    expect(isRtp(dtls)).toBe(false);
    const stun = Buffer.from(rtp);
    stun[0] = 0;
    expect(isRtp(stun)).toBe(false);
    expect(isRtp(rtp.subarray(0, 11))).toBe(false);
  });

  it('stamps sender reports in NTP time: seconds since 1900 and a 32-bit fraction', () => {
    const ntp = ntpFromUnixMs(1_000_500);
    expect(ntp >> 32n).toBe(1000n + 2_208_988_800n);
    expect(Number(ntp & 0xffff_ffffn)).toBe(2 ** 31);
  });
});
