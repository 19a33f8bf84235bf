import { describe, expect, it } from 'vitest';
import { directionalLoss, lossFigure, scoredLoss } from '../../../src/checks/media/directional-loss.ts';

/** Counts as both ends would see them with these loss rates, exactly (no sampling noise). */
function counts(up: number, down: number, n = 1000) {
  const relayRtp = Math.round(n * (1 - up));
  const back = Math.round(relayRtp * (1 - down));
  const relayProbes = Math.round(n * (1 - up));
  return {
    echoedAudio: { received: back, lost: n - back },
    probes: { sent: n, echoed: Math.round(relayProbes * (1 - down)) },
    relay: { rtp: { received: relayRtp, expected: n }, probes: { received: relayProbes } },
  };
}

describe('directionalLoss', () => {
  it('splits 10 % each way into 10 % up and 10 % down, and 19 % round trip', () => {
    const loss = directionalLoss(counts(0.1, 0.1));
    expect(loss.uplink?.percent).toBe(10);
    expect(loss.downlink?.percent).toBe(10);
    expect(loss.roundTrip?.percent).toBe(19);
  });

  it('puts loss on the uplink only where the relay saw the gaps', () => {
    const loss = directionalLoss(counts(0.1, 0));
    expect(loss.uplink?.percent).toBe(10);
    expect(loss.downlink?.percent).toBe(0);
    expect(loss.roundTrip?.percent).toBe(10);
  });

  it('puts loss on the downlink only when the relay received everything', () => {
    const loss = directionalLoss(counts(0, 0.1));
    expect(loss.uplink?.percent).toBe(0);
    expect(loss.downlink?.percent).toBe(10);
  });

  it('pools audio and probes: the sample is both', () => {
    expect(directionalLoss(counts(0.03, 0, 500)).uplink?.packets).toBe(1000);
  });

  it('without the relay’s counts: the round trip only, and that is what is scored', () => {
    const loss = directionalLoss({ ...counts(0.1, 0.1), relay: null });
    expect(loss.uplink).toBeNull();
    expect(loss.downlink).toBeNull();
    expect(scoredLoss(loss)?.basis).toBe('round-trip');
    expect(scoredLoss(loss)?.figure.percent).toBe(19);
  });

  it('scores the worse one-way direction', () => {
    expect(scoredLoss(directionalLoss(counts(0.02, 0.08)))?.basis).toBe('downlink');
    expect(scoredLoss(directionalLoss(counts(0.08, 0.02)))?.basis).toBe('uplink');
  });

  it('a relay that claims more probes than were sent cannot make loss negative', () => {
    const c = counts(0, 0);
    const loss = directionalLoss({ ...c, relay: { ...c.relay, probes: { received: 5000 } } });
    expect(loss.uplink?.percent).toBe(0);
    expect(loss.downlink?.percent).toBe(0);
  });

  it('nothing counted: no figures', () => {
    const loss = directionalLoss({
      echoedAudio: { received: 0, lost: 0 },
      probes: { sent: 0, echoed: 0 },
      relay: { rtp: { received: 0, expected: 0 }, probes: { received: 0 } },
    });
    expect(loss).toEqual({ uplink: null, downlink: null, roundTrip: null });
  });
});

describe('lossFigure: what the sample resolves', () => {
  it('3 % of 300 packets: the 95 % interval spans about 1.6 to 5.6 %, so 5.6 % cannot be told from 3 %', () => {
    const f = lossFigure({ packets: 300, lost: 9 });
    expect(f?.percent).toBe(3);
    expect(f?.low).toBeCloseTo(1.6, 0);
    expect(f?.high).toBeGreaterThan(5.5);
    const high = lossFigure({ packets: 300, lost: 17 });
    expect(high?.percent).toBe(5.7);
    expect(high?.low).toBeLessThan(5);
  });

  it('a long check narrows it: 3 % of 3000 packets is within about ±0.6 points', () => {
    const f = lossFigure({ packets: 3000, lost: 90 });
    expect((f?.high ?? 0) - (f?.low ?? 0)).toBeLessThan(1.35);
  });

  it('no loss still has an upper bound above zero', () => {
    const f = lossFigure({ packets: 300, lost: 0 });
    expect(f?.low).toBe(0);
    expect(f?.high).toBeGreaterThan(1);
  });
});
