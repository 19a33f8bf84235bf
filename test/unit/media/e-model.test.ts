import { describe, expect, it } from 'vitest';
import {
  bandForMos,
  computeMos,
  delayImpairment,
  MOS_BANDS,
  mosFromR,
  oneWayDelayMs,
} from '../../../src/checks/media/e-model.ts';
import {
  JITTER_GOOD_MS,
  LOSS_WARN_PERCENT,
  MOS_PASS,
  MOS_WARN,
  RTT_GOOD_MS,
  RTT_WARN_MS,
  rateQuality,
} from '../../../src/checks/media/thresholds.ts';
import { english } from '../../../src/messages/render.ts';

// Every expected number below was worked out by hand (calculator), not by calling the code under test.
// Shared facts used in the working:
//   R = 93.2 - Idd - Ie,eff                       (Ro - Is - Idte - Idle = 93.2 at G.107 defaults, A = 0)
//   MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)  (G.107 Annex B)
//   Ta = RTT / 2 + max(20, 2 * jitter) + codec delay (Opus 26.5 ms, G.711 20 ms)
//   Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl)    (BurstR = 1; Ie = 0 for both codecs;
//                                                  Bpl 20 for Opus, 25.1 for G.711)

describe('computeMos: points computed by hand', () => {
  it('no impairment: R = 93.2, MOS 4.41', () => {
    // Ta = 0 / 2 + max(20, 0) + 26.5 = 46.5 ms <= 100 ms, so Idd = 0. No loss, so Ie,eff = 0.
    // R = 93.2 - 0 - 0 = 93.2
    // MOS = 1 + 0.035 * 93.2 + 7e-6 * 93.2 * 33.2 * 6.8
    //     = 1 + 3.262 + 7e-6 * 21040.832 = 1 + 3.262 + 0.147286 = 4.409286 -> 4.41
    const m = computeMos({ rttMs: 0, jitterMs: 0, lossPercent: 0, codec: 'opus' });
    expect(m.oneWayDelayMs).toBe(46.5);
    expect(m.id).toBe(0);
    expect(m.ieEff).toBe(0);
    expect(m.r).toBe(93.2);
    expect(m.mos).toBe(4.41);
    expect(m.band).toBe('excellent');
  });

  it('G.711 with 5 % random loss: R = 77.42, MOS 3.92', () => {
    // RTT 40 ms, jitter 5 ms: Ta = 20 + max(20, 10) + 20 = 60 ms, so Idd = 0.
    // Ie,eff = 0 + 95 * 5 / (5 + 25.1) = 475 / 30.1 = 15.7807
    // R = 93.2 - 15.7807 = 77.4193
    // MOS = 1 + 0.035 * 77.4193 + 7e-6 * 77.4193 * 17.4193 * 22.5807
    //     = 1 + 2.709675 + 7e-6 * 30452.3 = 1 + 2.709675 + 0.213166 = 3.922841 -> 3.92
    const m = computeMos({ rttMs: 40, jitterMs: 5, lossPercent: 5, codec: 'g711' });
    expect(m.oneWayDelayMs).toBe(60);
    expect(m.ie).toBe(0);
    expect(m.ieEff).toBeCloseTo(15.78, 2);
    expect(m.r).toBeCloseTo(77.42, 2);
    expect(m.mos).toBe(3.92);
    expect(m.band).toBe('fair');
  });

  it('Opus, 400 ms round trip: Idd = 8.49, MOS 4.19', () => {
    // Ta = 400 / 2 + max(20, 2 * 10) + 26.5 = 246.5 ms
    // X = log2(246.5 / 100) = log2(2.465) = 1.301588
    // X^6 = 4.862286; (1 + 4.862286)^(1/6) = 5.862286^(1/6) = 1.342799
    // (X / 3)^6 = 0.433863^6 = 0.006670; (1.006670)^(1/6) = 1.001109; times 3 = 3.003326
    // Idd = 25 * (1.342799 - 3.003326 + 2) = 25 * 0.339473 = 8.4868
    // R = 93.2 - 8.4868 = 84.7132
    // MOS = 1 + 0.035 * 84.7132 + 7e-6 * 84.7132 * 24.7132 * 15.2868
    //     = 1 + 2.964962 + 7e-6 * 32003.4 = 1 + 2.964962 + 0.224024 = 4.188986 -> 4.19
    const m = computeMos({ rttMs: 400, jitterMs: 10, lossPercent: 0, codec: 'opus' });
    expect(m.oneWayDelayMs).toBe(246.5);
    expect(m.id).toBeCloseTo(8.49, 2);
    expect(m.r).toBeCloseTo(84.71, 2);
    expect(m.mos).toBe(4.19);
    expect(m.band).toBe('good');
  });

  it('G.711 at exactly 200 ms one way: Idd = 3.04, MOS 4.34', () => {
    // Ta = 320 / 2 + max(20, 10) + 20 = 200 ms; X = log2(2) = 1
    // Idd = 25 * ((1 + 1)^(1/6) - 3 * (1 + (1/3)^6)^(1/6) + 2)
    //     = 25 * (1.122462 - 3 * 1.000228 + 2) = 25 * (1.122462 - 3.000685 + 2) = 25 * 0.121777 = 3.0444
    // R = 93.2 - 3.0444 = 90.1556
    // MOS = 1 + 0.035 * 90.1556 + 7e-6 * 90.1556 * 30.1556 * 9.8444
    //     = 1 + 3.155446 + 7e-6 * 26763.9 = 1 + 3.155446 + 0.187347 = 4.342793 -> 4.34
    const m = computeMos({ rttMs: 320, jitterMs: 5, lossPercent: 0, codec: 'g711' });
    expect(m.oneWayDelayMs).toBe(200);
    expect(m.id).toBeCloseTo(3.04, 2);
    expect(m.r).toBeCloseTo(90.16, 2);
    expect(m.mos).toBe(4.34);
    expect(m.band).toBe('excellent');
  });

  it('Opus, 300 ms round trip, 30 ms jitter, 2 % loss: MOS 3.92', () => {
    // Ta = 150 + max(20, 60) + 26.5 = 236.5 ms; X = log2(2.365) = 1.241840
    // X^6 = 3.667704; 4.667704^(1/6) = 1.292758
    // (X / 3)^6 = 0.413947^6 = 0.005031; 1.005031^(1/6) = 1.000837; times 3 = 3.002510
    // Idd = 25 * (1.292758 - 3.002510 + 2) = 25 * 0.290248 = 7.2562
    // Ie,eff = 95 * 2 / (2 + 20) = 190 / 22 = 8.6364
    // R = 93.2 - 7.2562 - 8.6364 = 77.3074
    // MOS = 1 + 0.035 * 77.3074 + 7e-6 * 77.3074 * 17.3074 * 22.6926
    //     = 1 + 2.705759 + 7e-6 * 30362.6 = 1 + 2.705759 + 0.212538 = 3.918297 -> 3.92
    const m = computeMos({ rttMs: 300, jitterMs: 30, lossPercent: 2, codec: 'opus' });
    expect(m.oneWayDelayMs).toBe(236.5);
    expect(m.id).toBeCloseTo(7.26, 2);
    expect(m.ieEff).toBeCloseTo(8.64, 2);
    expect(m.r).toBeCloseTo(77.31, 2);
    expect(m.mos).toBe(3.92);
  });

  it('an unusable link: R below 0 gives MOS 1', () => {
    // Ta = 1000 + 20 + 26.5 = 1046.5 ms; X = log2(10.465) = 3.387500
    // X^6 = 1511.04; 1512.04^(1/6) = 3.387874
    // (X / 3)^6 = 2.072758; 3.072758^(1/6) = 1.205743; times 3 = 3.617229
    // Idd = 25 * (3.387874 - 3.617229 + 2) = 25 * 1.770645 = 44.2661
    // Ie,eff = 95 * 50 / (50 + 20) = 4750 / 70 = 67.857
    // R = 93.2 - 44.266 - 67.857 = -18.923 < 0, so MOS = 1
    const m = computeMos({ rttMs: 2000, jitterMs: 0, lossPercent: 50, codec: 'opus' });
    expect(m.r).toBeCloseTo(-18.92, 2);
    expect(m.mos).toBe(1);
    expect(m.band).toBe('bad');
  });
});

describe('E-model pieces', () => {
  it('MOS from R matches G.107 Annex B at the G.109 category edges', () => {
    // R 90: 1 + 3.15 + 7e-6 * 90 * 30 * 10 = 4.339; R 80: 1 + 2.8 + 7e-6 * 80 * 20 * 20 = 4.024
    // R 70: 1 + 2.45 + 7e-6 * 70 * 10 * 30 = 3.597; R 60: 1 + 2.1 + 0 = 3.1
    expect(mosFromR(90)).toBeCloseTo(4.339, 6);
    expect(mosFromR(80)).toBeCloseTo(4.024, 6);
    expect(mosFromR(70)).toBeCloseTo(3.597, 6);
    expect(mosFromR(60)).toBeCloseTo(3.1, 6);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(0)).toBe(1);
    // The cubic dips below 1 for small R (R = 5: 1 + 0.175 - 0.182875 = 0.992); it is clamped.
    expect(mosFromR(5)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(120)).toBe(4.5);
  });

  it('Idd is 0 up to 100 ms and grows after', () => {
    expect(delayImpairment(0)).toBe(0);
    expect(delayImpairment(100)).toBe(0);
    expect(delayImpairment(150)).toBeGreaterThan(0);
    expect(delayImpairment(400)).toBeGreaterThan(delayImpairment(200));
  });

  it('the jitter buffer never counts less than 20 ms', () => {
    // 0 + max(20, 2 * 4) + 20 = 40; 0 + max(20, 2 * 15) + 20 = 50
    expect(oneWayDelayMs(0, 4, 'g711')).toBe(40);
    expect(oneWayDelayMs(0, 15, 'g711')).toBe(50);
  });

  it('rejects non-finite input rather than inventing a score', () => {
    expect(() => computeMos({ rttMs: Number.NaN, jitterMs: 0, lossPercent: 0, codec: 'opus' })).toThrow(
      RangeError,
    );
    expect(() => bandForMos(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('MOS bands', () => {
  it('are ordered best first with strictly falling lower bounds', () => {
    for (let i = 1; i < MOS_BANDS.length; i++) {
      expect(MOS_BANDS[i]?.min).toBeLessThan(MOS_BANDS[i - 1]?.min ?? Number.NaN);
    }
    expect(MOS_BANDS.at(-1)?.min).toBe(Number.NEGATIVE_INFINITY);
  });

  it('cover 1..4.5 with no gaps and no overlaps (step 0.001)', () => {
    for (let i = 1000; i <= 4500; i++) {
      const mos = i / 1000;
      // Independent of bandForMos: count the half-open intervals [min, upper) that hold this value.
      const holders = MOS_BANDS.filter((b, k) => {
        const upper = k === 0 ? Number.POSITIVE_INFINITY : (MOS_BANDS[k - 1]?.min ?? Number.NaN);
        return mos >= b.min && mos < upper;
      });
      expect(holders.length, `MOS ${mos}`).toBe(1);
      expect(bandForMos(mos)).toBe(holders[0]?.band);
    }
  });

  it('put the boundaries in the upper band', () => {
    expect(bandForMos(4.3)).toBe('excellent');
    expect(bandForMos(4.299)).toBe('good');
    expect(bandForMos(4.0)).toBe('good');
    expect(bandForMos(3.999)).toBe('fair');
    expect(bandForMos(3.6)).toBe('fair');
    expect(bandForMos(3.1)).toBe('poor');
    expect(bandForMos(3.099)).toBe('bad');
  });
});

describe('monotonicity', () => {
  it('more loss never raises the MOS, for either codec', () => {
    for (const codec of ['opus', 'g711'] as const) {
      let previous = Number.POSITIVE_INFINITY;
      let previousR = Number.POSITIVE_INFINITY;
      for (let loss = 0; loss <= 100; loss += 0.5) {
        const m = computeMos({ rttMs: 50, jitterMs: 5, lossPercent: loss, codec });
        expect(m.mos).toBeLessThanOrEqual(previous);
        expect(m.r).toBeLessThan(previousR);
        previous = m.mos;
        previousR = m.r;
      }
    }
  });

  it('more loss strictly lowers the MOS while the call is still usable', () => {
    const at = (loss: number) => computeMos({ rttMs: 50, jitterMs: 5, lossPercent: loss, codec: 'opus' }).mos;
    expect(at(1)).toBeLessThan(at(0));
    expect(at(5)).toBeLessThan(at(1));
    expect(at(15)).toBeLessThan(at(5));
  });

  it('more delay never raises the MOS', () => {
    let previous = Number.POSITIVE_INFINITY;
    for (let rtt = 0; rtt <= 2000; rtt += 10) {
      const m = computeMos({ rttMs: rtt, jitterMs: 5, lossPercent: 0, codec: 'g711' });
      expect(m.mos).toBeLessThanOrEqual(previous);
      previous = m.mos;
    }
  });
});

describe('rateQuality', () => {
  const good = { rttMs: 40, jitterMs: 5, lossPercent: 0, mos: 4.4 };

  it('passes a clean loopback with no reasons', () => {
    expect(rateQuality(good)).toEqual({
      status: 'pass',
      reasons: [],
      byMetric: { rttMs: 'pass', jitterMs: 'pass', lossPercent: 'pass', mos: 'pass' },
    });
  });

  it('treats "good" limits as exclusive and MOS limits as inclusive', () => {
    expect(rateQuality({ ...good, rttMs: RTT_GOOD_MS - 0.1 }).status).toBe('pass');
    expect(rateQuality({ ...good, rttMs: RTT_GOOD_MS }).status).toBe('warn');
    expect(rateQuality({ ...good, rttMs: RTT_WARN_MS }).status).toBe('fail');
    expect(rateQuality({ ...good, jitterMs: JITTER_GOOD_MS }).byMetric.jitterMs).toBe('warn');
    expect(rateQuality({ ...good, lossPercent: LOSS_WARN_PERCENT }).byMetric.lossPercent).toBe('fail');
    expect(rateQuality({ ...good, mos: MOS_PASS }).status).toBe('pass');
    expect(rateQuality({ ...good, mos: MOS_WARN }).status).toBe('warn');
    expect(rateQuality({ ...good, mos: MOS_WARN - 0.01 }).status).toBe('fail');
  });

  it('takes the worst metric and lists failures before warnings', () => {
    const rating = rateQuality({ rttMs: 150, jitterMs: 5, lossPercent: 7, mos: 3.8 });
    expect(rating.status).toBe('fail');
    expect(rating.reasons.map(english)).toEqual([
      'Packet loss 7.0 % is at or above 5 %; speech will break up.',
      'Round trip 150 ms is at or above 100 ms; people may talk over each other.',
      'Estimated call quality (MOS 3.80) is below 4.0.',
    ]);
  });

  it('ignores metrics that were not measured', () => {
    const rating = rateQuality({ rttMs: null, jitterMs: Number.NaN, lossPercent: 0, mos: null });
    expect(rating.status).toBe('pass');
    expect(rating.byMetric).toEqual({ rttMs: null, jitterMs: null, lossPercent: 'pass', mos: null });
  });
});

describe('configured limits', () => {
  it('rates against a configured round-trip limit, and never inverts the warn band', async () => {
    const { limitsFrom, rateQuality } = await import('../../../src/checks/media/thresholds.ts');
    const strict = limitsFrom({ rttGoodMs: 50, lossGoodPercent: 1, jitterGoodMs: 30, mosPass: 4 });
    expect(rateQuality({ rttMs: 80, jitterMs: 1, lossPercent: 0, mos: 4.4 }, strict).status).toBe('warn');
    const loose = limitsFrom({ rttGoodMs: 500, lossGoodPercent: 1, jitterGoodMs: 30, mosPass: 4 });
    expect(loose.rttWarnMs).toBe(500);
    expect(rateQuality({ rttMs: 400, jitterMs: 1, lossPercent: 0, mos: 4.4 }, loose).status).toBe('pass');
  });
});
