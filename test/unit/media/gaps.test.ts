import { describe, expect, it } from 'vitest';
import { findGaps } from '../../../src/checks/media/gaps.ts';

const s = (t: number, packetsReceived: number) => ({
  t,
  packetsReceived,
  packetsLost: 0,
  jitterMs: null,
  rttMs: null,
});

describe('findGaps', () => {
  it('finds a 3 s stretch without echoed audio that then recovers', () => {
    const samples = [s(1, 50), s(2, 100), s(3, 100), s(4, 100), s(5, 100), s(6, 150), s(7, 200)];
    expect(findGaps(samples)).toEqual([{ fromS: 2, toS: 6 }]);
  });

  it('reports a gap still open at the end', () => {
    expect(findGaps([s(1, 50), s(2, 50), s(3, 50)])).toEqual([{ fromS: 1, toS: 3 }]);
  });

  it('finds nothing in a steady stream', () => {
    expect(findGaps([s(1, 50), s(2, 100), s(3, 150)])).toEqual([]);
  });
});
