import { describe, expect, it } from 'vitest';
import { ReceiveCounts, RtpSequenceCounter } from '../../../src/relay/core/receive-counts.ts';

const counted = (seqs: number[]) => {
  const c = new RtpSequenceCounter();
  for (const s of seqs) c.add(s);
  return c.counts();
};

describe('RtpSequenceCounter: what the relay received of the client’s audio', () => {
  it('counts gaps as sent and not received', () => {
    expect(counted([100, 101, 103, 104, 107])).toEqual({ received: 5, expected: 8 });
  });

  it('follows the sequence number across its wrap', () => {
    expect(counted([65534, 65535, 0, 2])).toEqual({ received: 4, expected: 5 });
  });

  it('a late packet fills its gap without moving the span', () => {
    expect(counted([10, 12, 11, 13])).toEqual({ received: 4, expected: 4 });
  });

  it('duplicates never make more received than sent', () => {
    expect(counted([5, 5, 5, 6])).toEqual({ received: 2, expected: 2 });
  });

  it('a wild jump is not counted as thousands lost', () => {
    expect(counted([1, 2, 40000, 3])).toEqual({ received: 3, expected: 3 });
  });

  it('nothing received: nothing expected', () => {
    expect(new ReceiveCounts().snapshot()).toEqual({
      rtp: { received: 0, expected: 0 },
      probes: { received: 0 },
    });
  });
});
