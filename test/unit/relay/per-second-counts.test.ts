import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { MediaCounts, ServerMessage } from '../../../src/protocol/relay-messages.ts';
import { MAX_COUNTED_SECONDS, PerSecondCounts } from '../../../src/relay/core/per-second-counts.ts';
import { ReceiveCounts } from '../../../src/relay/core/receive-counts.ts';

function clock(start = 5000) {
  let now = start;
  return { now: () => now, to: (ms: number) => (now = start + ms) };
}

describe('PerSecondCounts: what the relay received and echoed, second by second', () => {
  it('counts each packet in the second of the session it came in, from the first packet', () => {
    const c = clock();
    const counts = new PerSecondCounts(c.now);
    expect(counts.snapshot()).toEqual({ startAgoMs: 0, seconds: [] });
    c.to(0);
    counts.audio(1);
    counts.sent();
    c.to(999);
    counts.received();
    c.to(1000);
    counts.audio(3);
    counts.sent();
    // A quiet second is there, counted zero, its span where the last left it: quiet, not missing.
    c.to(3500);
    counts.sent();
    c.to(3750);
    expect(counts.snapshot()).toEqual({
      startAgoMs: 3750,
      seconds: [
        { received: 2, sent: 1, rtp: { received: 1, span: 1 } },
        { received: 1, sent: 1, rtp: { received: 1, span: 3 } },
        { received: 0, sent: 0, rtp: { received: 0, span: 3 } },
        { received: 0, sent: 1, rtp: { received: 0, span: 3 } },
      ],
    });
  });

  it(`keeps only the latest ${MAX_COUNTED_SECONDS} seconds, and says when the oldest kept one began`, () => {
    const c = clock();
    const counts = new PerSecondCounts(c.now);
    for (let s = 0; s < MAX_COUNTED_SECONDS + 5; s++) {
      c.to(s * 1000);
      counts.received();
    }
    c.to((MAX_COUNTED_SECONDS + 5) * 1000);
    const snap = counts.snapshot();
    expect(snap.seconds).toHaveLength(MAX_COUNTED_SECONDS);
    expect(snap.startAgoMs).toBe(MAX_COUNTED_SECONDS * 1000);
    // A silence far longer than the window leaves only the window's worth of seconds.
    c.to(10_000_000);
    counts.sent();
    const later = counts.snapshot();
    expect(later.seconds).toHaveLength(MAX_COUNTED_SECONDS);
    expect(later.seconds.at(-1)).toEqual({ received: 0, sent: 1, rtp: { received: 0, span: 0 } });
    expect(later.seconds.slice(0, -1).every((s) => s.received === 0 && s.sent === 0)).toBe(true);
    expect(v.safeParse(MediaCounts, { ...new ReceiveCounts().snapshot(), perSecond: later }).success).toBe(
      true,
    );
  });
});

describe('ReceiveCounts: the answer to media-counts', () => {
  it('gives the seconds only when asked, audio and probes in, echoes out', () => {
    const c = clock();
    const counts = new ReceiveCounts(c.now);
    c.to(0);
    counts.audioIn(10);
    counts.echoOut();
    counts.probeIn();
    c.to(1200);
    counts.audioIn(12);
    counts.echoOut();
    expect(counts.snapshot()).toEqual({ rtp: { received: 2, expected: 3 }, probes: { received: 1 } });
    expect(counts.snapshot(true)).toEqual({
      rtp: { received: 2, expected: 3 },
      probes: { received: 1 },
      perSecond: {
        startAgoMs: 1200,
        seconds: [
          { received: 2, sent: 1, rtp: { received: 1, span: 1 } },
          { received: 1, sent: 1, rtp: { received: 1, span: 3 } },
        ],
      },
    });
  });
});

describe('the media-counts schema bounds the seconds', () => {
  const answer = (perSecond: unknown) => ({
    type: 'media-counts',
    rtp: { received: 1, expected: 1 },
    probes: { received: 0 },
    perSecond,
  });
  it('takes at most the longest media time of seconds, of bounded counts', () => {
    const second = { received: 50, sent: 50, rtp: { received: 25, span: 1000 } };
    const ok = { startAgoMs: 1000, seconds: Array(MAX_COUNTED_SECONDS).fill(second) };
    expect(v.safeParse(ServerMessage, answer(ok)).success).toBe(true);
    for (const bad of [
      { startAgoMs: 1000, seconds: Array(MAX_COUNTED_SECONDS + 1).fill(second) },
      { startAgoMs: -1, seconds: [] },
      { startAgoMs: 1000, seconds: [{ ...second, received: 1.5 }] },
      { startAgoMs: 1000, seconds: [{ ...second, received: 100_001 }] },
      { startAgoMs: 1000, seconds: [{ ...second, rtp: { received: 1, span: -1 } }] },
      { startAgoMs: 1000, seconds: [{ received: 1, sent: 0 }] },
      { startAgoMs: 1000, seconds: [{ ...second, lost: 0 }] },
    ]) {
      expect(v.safeParse(ServerMessage, answer(bad)).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });
});
