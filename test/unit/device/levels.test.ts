/** The headset check's verdict over made-up microphone signals: speech, a pause, silence, clipping. */
import { describe, expect, it } from 'vitest';
import {
  BLOCK_SAMPLES,
  blockLevel,
  blockLevels,
  FLOOR_DBFS,
  judgeLevels,
  meterFraction,
} from '../../../src/device/levels.ts';

const RATE = 48_000;

/** A sine of `amplitude` (full scale 1) for `seconds`. */
function tone(amplitude: number, seconds: number, hz = 440): Float32Array {
  const out = new Float32Array(Math.round(RATE * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / RATE);
  return out;
}

/** Low noise like a muted or unplugged input: ±`amplitude`, deterministic. */
function hiss(amplitude: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(RATE * seconds));
  let x = 1;
  for (let i = 0; i < out.length; i++) {
    x = (x * 16807) % 2147483647;
    out[i] = amplitude * ((x / 2147483647) * 2 - 1);
  }
  return out;
}

const join = (...parts: Float32Array[]) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const judge = (samples: Float32Array) => judgeLevels(blockLevels(samples));

describe('blockLevel', () => {
  it('gives a full-scale sine -3 dBFS and its peak', () => {
    const level = blockLevel(tone(1, 0.05));
    expect(level.rmsDb).toBeCloseTo(-3.01, 1);
    expect(level.peak).toBeCloseTo(1, 2);
  });

  it('gives digital silence, and an empty block, the floor instead of minus infinity', () => {
    expect(blockLevel(new Float32Array(100)).rmsDb).toBe(FLOOR_DBFS);
    expect(blockLevel([]).rmsDb).toBe(FLOOR_DBFS);
  });
});

describe('blockLevels', () => {
  it('cuts 50 ms blocks and leaves out a short tail', () => {
    expect(blockLevels(new Float32Array(BLOCK_SAMPLES * 3 + 100))).toHaveLength(3);
    expect(blockLevels(new Float32Array(BLOCK_SAMPLES * 3 + BLOCK_SAMPLES / 2))).toHaveLength(4);
  });
});

describe('judgeLevels', () => {
  it('says ok for a voice at a normal level, even with pauses for most of the recording', () => {
    // One second of "speech" at -21 dBFS RMS in four seconds of quiet room.
    const result = judge(join(hiss(0.001, 1.5), tone(0.125, 1), hiss(0.001, 1.5)));
    expect(result.verdict).toBe('ok');
    expect(result.speakingDb).toBeCloseTo(-21, 0);
    expect(result.blocks).toBe(80);
  });

  it('says silent when the level stays near zero throughout (a muted headset)', () => {
    expect(judge(new Float32Array(RATE * 4)).verdict).toBe('silent');
    const muted = judge(hiss(0.0003, 4));
    expect(muted.verdict).toBe('silent');
    expect(muted.loudestDb).toBeLessThan(-60);
  });

  it('is not fooled into silent by a single click, but calls a click in silence quiet', () => {
    const result = judge(join(new Float32Array(RATE * 2), tone(0.5, 0.05), new Float32Array(RATE * 2)));
    expect(result.verdict).toBe('quiet');
  });

  it('says quiet for a voice far too low to be heard on a call', () => {
    const result = judge(tone(0.005, 4));
    expect(result.verdict).toBe('quiet');
    expect(result.speakingDb).toBeCloseTo(-49, 0);
  });

  it('says clipping when the voice hits full scale in a noticeable share of the recording', () => {
    const loud = tone(1, 1);
    const result = judge(join(tone(0.1, 3), loud));
    expect(result.verdict).toBe('clipping');
    expect(result.clippedShare).toBeCloseTo(0.25, 2);
  });

  it('says unmeasured when no samples were read', () => {
    expect(judgeLevels([])).toEqual({
      verdict: 'unmeasured',
      speakingDb: null,
      loudestDb: null,
      clippedShare: 0,
      blocks: 0,
    });
  });
});

describe('meterFraction', () => {
  it('is empty at the silence threshold and below, full at full scale', () => {
    expect(meterFraction(FLOOR_DBFS)).toBe(0);
    expect(meterFraction(-60)).toBe(0);
    expect(meterFraction(-30)).toBeCloseTo(0.5);
    expect(meterFraction(0)).toBe(1);
    expect(meterFraction(3)).toBe(1);
  });
});
