/**
 * Loss per direction second by second, on a simulated run: this computer sends audio 50 packets a second
 * (from before the media time to after it), the path drops some on the way up or down, the relay counts in
 * its own seconds on its own clock and, when busy, reads packets late in bursts; the browser reads its
 * counters of the echoed stream about once a second, at uneven moments.
 */
import { describe, expect, it } from 'vitest';
import {
  type EchoCounters,
  lossPerSecondByDirection,
  type PerSecondInput,
  valueAtSpan,
} from '../../../src/checks/media/loss-per-second.ts';
import type { MediaSeconds } from '../../../src/protocol/relay-messages.ts';

/** A fixed pseudo-random sequence (LCG), so a run is the same every time. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_664_525 + 1_013_904_223) % 2 ** 32;
    return x / 2 ** 32;
  };
}

interface Path {
  /** Whether the packet sent at this time (ms, this computer's clock) is lost on the way up / down. */
  upLost?: (sentAt: number, r: () => number) => boolean;
  downLost?: (sentAt: number, r: () => number) => boolean;
  /** A busy relay: it reads nothing from this time for this long, then all that waited at once. */
  relayStall?: { at: number; ms: number };
}

const MEDIA_MS = 10_000;
const ONE_WAY_MS = 20;
/** The relay's clock is this far ahead of this computer's. */
const RELAY_CLOCK = 987_654;

function simulate(path: Path, seed = 7): PerSecondInput {
  const r = random(seed);
  const relayRead: { at: number; seq: number }[] = [];
  const back: { at: number; seq: number }[] = [];
  // Audio flows from DTLS (2 s before the media time) until the bye (1 s after it).
  for (let seq = 0, t = -2000; t < MEDIA_MS + 1000; seq++, t += 20) {
    if (path.upLost?.(t, r)) continue;
    let at = t + ONE_WAY_MS;
    const stall = path.relayStall;
    if (stall && at >= stall.at && at < stall.at + stall.ms) at = stall.at + stall.ms;
    relayRead.push({ at: at + RELAY_CLOCK, seq });
    if (!path.downLost?.(t, r)) back.push({ at: at + ONE_WAY_MS, seq });
  }
  // The relay: seconds from its first packet; it answers 700 ms after the media time, on its clock.
  const origin = relayRead[0]?.at ?? 0;
  const answerAt = MEDIA_MS + 700 + RELAY_CLOCK;
  const seconds: MediaSeconds['seconds'] = [];
  const firstSeq = relayRead[0]?.seq ?? 0;
  for (const p of relayRead.filter((p) => p.at <= answerAt)) {
    const k = Math.floor((p.at - origin) / 1000);
    while (seconds.length <= k) {
      seconds.push({ received: 0, sent: 0, rtp: { received: 0, span: seconds.at(-1)?.rtp.span ?? 0 } });
    }
    const s = seconds[k] as MediaSeconds['seconds'][number];
    s.received++;
    s.sent++;
    s.rtp.received++;
    s.rtp.span = Math.max(s.rtp.span, p.seq - firstSeq + 1);
  }
  // The browser's counters: at the start, then about every second (up to 300 ms late), then once at the end.
  const readings = [0, ...Array.from({ length: 10 }, (_, i) => (i + 1) * 1000 + r() * 300), MEDIA_MS + 600];
  const base = back[0]?.seq ?? 0;
  const echoes: EchoCounters[] = readings.map((at) => {
    const got = back.filter((p) => p.at <= at);
    const span = got.length === 0 ? 0 : Math.max(...got.map((p) => p.seq)) - base + 1;
    return { at, received: got.length, lost: span - got.length };
  });
  return {
    relay: { startAgoMs: Math.round(answerAt - origin), seconds },
    answeredAt: answerAt - RELAY_CLOCK + ONE_WAY_MS,
    echoes,
    mediaStart: 0,
  };
}

const ups = (input: PerSecondInput) => lossPerSecondByDirection(input).map((s) => s.uplink ?? 0);
const downs = (input: PerSecondInput) => lossPerSecondByDirection(input).map((s) => s.downlink ?? 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('loss per direction, second by second', () => {
  it('a clean path: every second of the media time, both directions 0', () => {
    const seconds = lossPerSecondByDirection(simulate({}));
    // The relay's seconds that lie inside the browser's readings: about the media time's 10.
    expect(seconds.length).toBeGreaterThanOrEqual(9);
    expect(seconds.length).toBeLessThanOrEqual(11);
    for (const s of seconds) expect(s, JSON.stringify(s)).toMatchObject({ uplink: 0, downlink: 0 });
    // Each second sits at its end in the media time, one second apart.
    const ts = seconds.map((s) => s.t);
    for (let i = 1; i < ts.length; i++) expect((ts[i] ?? 0) - (ts[i - 1] ?? 0)).toBeCloseTo(1, 1);
    expect(ts[0]).toBeGreaterThan(0);
    expect(ts.at(-1)).toBeLessThanOrEqual(MEDIA_MS / 1000 + 1);
  });

  it('a busy relay that read nothing for 400 ms, then all at once: still 0 both ways', () => {
    for (const at of [2900, 3500, 6990]) {
      for (const s of lossPerSecondByDirection(simulate({ relayStall: { at, ms: 400 } }))) {
        expect(s, `stall at ${at}: ${JSON.stringify(s)}`).toMatchObject({ uplink: 0, downlink: 0 });
      }
    }
  });

  it('10 % lost on the way up only: the uplink shows it, the downlink stays within a packet of 0', () => {
    const input = simulate({ upLost: (_, r) => r() < 0.1, relayStall: { at: 4200, ms: 300 } });
    expect(mean(ups(input))).toBeGreaterThan(6);
    expect(mean(ups(input))).toBeLessThan(14);
    for (const d of downs(input)) expect(d).toBeLessThanOrEqual(2.5);
  });

  it('10 % lost on the way down only: the downlink shows it, the uplink stays 0', () => {
    const input = simulate({ downLost: (_, r) => r() < 0.1, relayStall: { at: 4200, ms: 300 } });
    expect(mean(downs(input))).toBeGreaterThan(6);
    expect(mean(downs(input))).toBeLessThan(14);
    for (const u of ups(input)) expect(u).toBe(0);
  });

  it('a burst lands in the seconds it happened in, whatever the two clocks', () => {
    // Everything sent from 4.5 s to 5.5 s of the media time lost on the way up.
    const seconds = lossPerSecondByDirection(simulate({ upLost: (t) => t >= 4500 && t < 5500 }));
    const lossy = seconds.filter((s) => (s.uplink ?? 0) > 0);
    // Its 50 packets count in the relay's second in which the next one arrived: 50 lost of 75 its sequence
    // numbers spanned there, a second that ends between 5.5 and 6.5 s; nothing on the way down.
    expect(lossy.map((s) => s.uplink)).toEqual([66.7]);
    expect(lossy[0]?.t).toBeGreaterThan(5.5);
    expect(lossy[0]?.t).toBeLessThan(6.7);
    for (const s of seconds) expect(s.downlink).toBe(0);
  });

  it('leaves out the seconds the browser did not count (before the media time, after the last reading)', () => {
    const input = simulate({});
    // The relay counted from 2 s before the media time to 0.7 s after it.
    expect(input.relay.seconds.length).toBeGreaterThanOrEqual(12);
    expect(lossPerSecondByDirection(input).length).toBeLessThan(input.relay.seconds.length - 2);
    expect(lossPerSecondByDirection({ ...input, echoes: [] })).toEqual([]);
  });

  it('never below 0 or above 100 %, and no figure from a second with too few packets', () => {
    const input = simulate({});
    const seconds = input.relay.seconds.map((s, i) =>
      i % 2
        ? { ...s, rtp: { ...s.rtp, received: s.rtp.received * 2 } }
        : { ...s, rtp: { ...s.rtp, received: 3 } },
    );
    const out = lossPerSecondByDirection({ ...input, relay: { ...input.relay, seconds } });
    for (const s of out) {
      for (const v of [s.uplink, s.downlink]) {
        if (v === null) continue;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(100);
      }
    }
    // A second the relay says it echoed 3 packets in gives no downlink figure, so no entry.
    expect(out.length).toBeLessThan(lossPerSecondByDirection(input).length);
  });
});

describe('valueAtSpan', () => {
  const points = [
    { span: 0, value: 0 },
    { span: 50, value: 40 },
    { span: 75, value: 70 },
  ];
  it('interpolates along the sequence numbers between points and knows nothing outside them', () => {
    expect(valueAtSpan(points, 25)).toBe(20);
    expect(valueAtSpan(points, 62.5)).toBe(55);
    expect(valueAtSpan(points, 75)).toBe(70);
    expect(valueAtSpan(points, -1)).toBeNull();
    expect(valueAtSpan(points, 76)).toBeNull();
    expect(valueAtSpan([], 0)).toBeNull();
  });
});
