import { describe, expect, it } from 'vitest';
import {
  allProbesEchoed,
  LOSS_RESOLUTION_POINTS,
  lossResolved,
  PROBE_SETTLE_MS,
  roundTripSoFar,
} from '../../../src/checks/media/media-window.ts';
import type { ProbeSample } from '../../../src/checks/media/probe-stats.ts';

const probe = (seq: number, sentAt: number, rttMs: number | null): ProbeSample => ({ seq, sentAt, rttMs });

describe('lossResolved (the quick check may stop)', () => {
  it('is resolved to ±2 points after about 100 packets with none lost, not after 50', () => {
    expect(LOSS_RESOLUTION_POINTS).toBe(2);
    // Wilson: none lost of n gives [0, 3.84 / (n + 3.84)], so 4 points wide at n = 92.2.
    expect(lossResolved({ packets: 92, lost: 0 })).toBe(false);
    expect(lossResolved({ packets: 93, lost: 0 })).toBe(true);
    expect(lossResolved({ packets: 50, lost: 0 })).toBe(false);
  });

  it('needs more packets when packets are lost: 1 % about 150, 3 % about 300', () => {
    expect(lossResolved({ packets: 100, lost: 1 })).toBe(false);
    expect(lossResolved({ packets: 150, lost: 1.5 })).toBe(true);
    expect(lossResolved({ packets: 100, lost: 3 })).toBe(false);
    expect(lossResolved({ packets: 310, lost: 9.3 })).toBe(true);
  });

  it('keeps a 10 % loss measuring for the quick check’s whole 3 s (about 300 packets)', () => {
    expect(lossResolved({ packets: 300, lost: 30 })).toBe(false);
    expect(lossResolved({ packets: 900, lost: 90 })).toBe(true);
  });

  it('is never resolved with nothing counted', () => {
    expect(lossResolved({ packets: 0, lost: 0 })).toBe(false);
  });
});

describe('roundTripSoFar', () => {
  it('pools the echoed audio with the probes that had time to come back', () => {
    const probes = [probe(0, 0, 2), probe(1, 20, null), probe(2, 40, 3)];
    // At 500 ms probe 1 is older than the settle time: lost.
    expect(roundTripSoFar({ received: 50, lost: 1 }, probes, 500)).toEqual({ packets: 54, lost: 2 });
  });

  it('does not count a probe still on its way as lost', () => {
    const now = 1000;
    const probes = [probe(0, now - PROBE_SETTLE_MS - 1, null), probe(1, now - 10, null)];
    expect(roundTripSoFar({ received: 0, lost: 0 }, probes, now)).toEqual({ packets: 1, lost: 1 });
  });

  it('waits longer for echoes on a slow path: twice the slowest echo so far', () => {
    const probes = [probe(0, 0, 400), probe(1, 500, null)];
    expect(roundTripSoFar({ received: 0, lost: 0 }, probes, 1200)).toEqual({ packets: 1, lost: 0 });
    expect(roundTripSoFar({ received: 0, lost: 0 }, probes, 1301)).toEqual({ packets: 2, lost: 1 });
  });
});

describe('allProbesEchoed', () => {
  it('is true only when every probe has its echo', () => {
    expect(allProbesEchoed([probe(0, 0, 1), probe(1, 20, 1)])).toBe(true);
    expect(allProbesEchoed([probe(0, 0, 1), probe(1, 20, null)])).toBe(false);
    expect(allProbesEchoed([])).toBe(true);
  });
});
