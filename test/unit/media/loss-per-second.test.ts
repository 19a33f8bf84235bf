/**
 * Loss per direction second by second, on a simulated run: this computer sends audio (50 a second, from
 * before the media time to after it) and probes (50 a second during it), the path drops some on the way up
 * or down, the relay counts in its own seconds on its own clock, and the browser reads its counters once a
 * second at uneven moments, as getStats on a busy computer does.
 */
import { describe, expect, it } from 'vitest';
import {
  type AudioCounters,
  counterAt,
  lossPerSecondByDirection,
  type PerSecondInput,
} from '../../../src/checks/media/loss-per-second.ts';
import type { ProbeSample } from '../../../src/checks/media/probe-stats.ts';

/** A fixed pseudo-random sequence (LCG), so a run is the same every time. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_664_525 + 1_013_904_223) % 2 ** 32;
    return x / 2 ** 32;
  };
}

interface Path {
  /** Whether a packet sent at this time (ms, this computer's clock) is lost on the way up / down. */
  upLost?: (sentAt: number, r: () => number) => boolean;
  downLost?: (sentAt: number, r: () => number) => boolean;
  /** One-way time (ms). */
  oneWayMs?: number;
}

const MEDIA_MS = 10_000;
/** The relay's clock is this far ahead of this computer's. */
const RELAY_CLOCK_OFFSET = 987_654;

function simulate(path: Path, seed = 7): PerSecondInput {
  const r = random(seed);
  const oneWay = path.oneWayMs ?? 20;
  const audio: { sentAt: number; back: number | null }[] = [];
  const probes: ProbeSample[] = [];
  const relayIn: number[] = [];
  const relayOut: number[] = [];
  const travel = (sentAt: number): number | null => {
    if (path.upLost?.(sentAt, r)) return null;
    const atRelay = sentAt + oneWay + RELAY_CLOCK_OFFSET;
    relayIn.push(atRelay);
    relayOut.push(atRelay);
    return path.downLost?.(sentAt, r) ? null : sentAt + 2 * oneWay;
  };
  // Audio flows from DTLS (2 s before the media time) until the bye (1 s after it).
  for (let t = -2000; t < MEDIA_MS + 1000; t += 20) audio.push({ sentAt: t, back: travel(t) });
  for (let t = 3; t < MEDIA_MS; t += 20 + r() * 2) {
    const back = travel(t);
    probes.push({ seq: probes.length, sentAt: t, rttMs: back === null ? null : back - t });
  }
  // The browser's counters: at the start, then about every second (up to 300 ms late), then once at the end.
  const readings = [0, ...Array.from({ length: 10 }, (_, i) => (i + 1) * 1000 + r() * 300), MEDIA_MS + 600];
  const counters: AudioCounters[] = readings.map((at) => ({
    at,
    sent: audio.filter((p) => p.sentAt <= at).length,
    received: audio.filter((p) => p.back !== null && p.back <= at).length,
  }));
  // The relay: seconds from its first packet; it answers 700 ms after the media time, on its clock.
  const origin = Math.min(...relayIn);
  const answerAtRelay = MEDIA_MS + 700 + RELAY_CLOCK_OFFSET;
  const n = Math.floor((answerAtRelay - origin) / 1000) + 1;
  const seconds = Array.from({ length: n }, () => ({ received: 0, sent: 0 }));
  for (const t of relayIn.filter((t) => t <= answerAtRelay)) {
    (seconds[Math.floor((t - origin) / 1000)] as { received: number }).received++;
  }
  for (const t of relayOut.filter((t) => t <= answerAtRelay)) {
    (seconds[Math.floor((t - origin) / 1000)] as { sent: number }).sent++;
  }
  return {
    relay: { startAgoMs: Math.round(answerAtRelay - origin), seconds },
    answeredAt: answerAtRelay - RELAY_CLOCK_OFFSET + oneWay,
    rttMs: 2 * oneWay,
    audio: counters,
    probes,
    mediaStart: 0,
  };
}

const ups = (input: PerSecondInput) => lossPerSecondByDirection(input).map((s) => s.uplink);
const downs = (input: PerSecondInput) => lossPerSecondByDirection(input).map((s) => s.downlink);
const mean = (xs: (number | null)[]) => {
  const got = xs.filter((x): x is number => x !== null);
  return got.reduce((a, b) => a + b, 0) / got.length;
};

describe('loss per direction, second by second', () => {
  it('a clean path: every second of the media time, both directions within 2 points of 0', () => {
    const seconds = lossPerSecondByDirection(simulate({}));
    // The relay's seconds that lie inside the browser's readings: about the media time's 10.
    expect(seconds.length).toBeGreaterThanOrEqual(9);
    expect(seconds.length).toBeLessThanOrEqual(11);
    for (const s of seconds) {
      expect(s.uplink ?? 0, JSON.stringify(s)).toBeLessThanOrEqual(2);
      expect(s.downlink ?? 0, JSON.stringify(s)).toBeLessThanOrEqual(2);
    }
    // Each second sits at its end in the media time, one second apart.
    const ts = seconds.map((s) => s.t);
    for (let i = 1; i < ts.length; i++) expect((ts[i] ?? 0) - (ts[i - 1] ?? 0)).toBeCloseTo(1, 1);
    expect(ts[0]).toBeGreaterThan(0);
    expect(ts.at(-1)).toBeLessThanOrEqual(MEDIA_MS / 1000 + 1);
  });

  it('10 % lost on the way up only: the uplink shows it, the downlink stays within 2 points of 0', () => {
    const input = simulate({ upLost: (_, r) => r() < 0.1 });
    expect(mean(ups(input))).toBeGreaterThan(7);
    expect(mean(ups(input))).toBeLessThan(13);
    for (const d of downs(input)) expect(d ?? 0).toBeLessThanOrEqual(2);
  });

  it('10 % lost on the way down only: the downlink shows it, the uplink stays within 2 points of 0', () => {
    const input = simulate({ downLost: (_, r) => r() < 0.1 });
    expect(mean(downs(input))).toBeGreaterThan(7);
    expect(mean(downs(input))).toBeLessThan(13);
    for (const u of ups(input)) expect(u ?? 0).toBeLessThanOrEqual(2);
  });

  it('a burst lands in the seconds it happened in, whatever the two clocks and a 100 ms one-way time', () => {
    // Everything sent from 4.5 s to 5.5 s of the media time lost on the way up.
    const input = simulate({ upLost: (t) => t >= 4500 && t < 5500, oneWayMs: 100 });
    const seconds = lossPerSecondByDirection(input);
    const lossy = seconds.filter((s) => (s.uplink ?? 0) > 2);
    // Spread over the relay's seconds it crossed (two at most, about 100 % between them)...
    expect(lossy.length).toBeGreaterThanOrEqual(1);
    expect(lossy.length).toBeLessThanOrEqual(2);
    expect(lossy.reduce((a, s) => a + (s.uplink ?? 0), 0)).toBeGreaterThan(95);
    expect(lossy.reduce((a, s) => a + (s.uplink ?? 0), 0)).toBeLessThan(105);
    // ...which end between 5 and 7 s of the media time, and nothing on the way down.
    for (const s of lossy) {
      expect(s.t).toBeGreaterThan(4.9);
      expect(s.t).toBeLessThan(6.7);
    }
    // The seconds the burst halved hold ~50 packets: a packet or two of its edge is 2-4 points.
    for (const s of seconds) expect(s.downlink ?? 0).toBeLessThanOrEqual(4);
  });

  it('leaves out the seconds the browser did not count (before the media time, after the last reading)', () => {
    const input = simulate({});
    // The relay counted from 2 s before the media time to 0.7 s after it.
    expect(input.relay.seconds.length).toBeGreaterThanOrEqual(12);
    const seconds = lossPerSecondByDirection(input);
    expect(seconds.length).toBeLessThan(input.relay.seconds.length);
    expect(lossPerSecondByDirection({ ...input, audio: [] })).toEqual([]);
  });

  it('never below 0 or above 100 %, and no figure from a second with too few packets', () => {
    const input = simulate({});
    const relay = {
      startAgoMs: input.relay.startAgoMs,
      // A relay that says it received more than was sent, or echoed almost nothing.
      seconds: input.relay.seconds.map((s, i) =>
        i % 2 ? { received: s.received * 2, sent: s.sent } : { received: s.received, sent: 3 },
      ),
    };
    for (const s of lossPerSecondByDirection({ ...input, relay })) {
      for (const v of [s.uplink, s.downlink]) {
        if (v === null) continue;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(100);
      }
    }
    expect(lossPerSecondByDirection({ ...input, relay }).some((s) => s.downlink === null)).toBe(true);
  });
});

describe('counterAt', () => {
  const readings: AudioCounters[] = [
    { at: 0, sent: 0, received: 0 },
    { at: 1000, sent: 50, received: 40 },
    { at: 1500, sent: 75, received: 70 },
  ];
  it('interpolates between readings and knows nothing outside them', () => {
    expect(counterAt(readings, 'sent', 500)).toBe(25);
    expect(counterAt(readings, 'received', 1250)).toBe(55);
    expect(counterAt(readings, 'sent', 1500)).toBe(75);
    expect(counterAt(readings, 'sent', -1)).toBeNull();
    expect(counterAt(readings, 'sent', 1501)).toBeNull();
    expect(counterAt([], 'sent', 0)).toBeNull();
  });
});
