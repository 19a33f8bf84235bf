/**
 * How loud the user's microphone is, from its samples: pure, so the verdict is unit-tested over made-up
 * signals. Samples are Web Audio floats (full scale is ±1). The recording is cut into short blocks; each
 * block's loudness is its RMS in dB below full scale (dBFS), and the verdict looks at how loud the user's
 * speaking blocks were, not at one click or one pause.
 */

/** 50 ms at 48 kHz: short enough for syllables, long enough for a steady RMS. */
export const BLOCK_SAMPLES = 2400;
/** Quieter than this everywhere is no sound at all: a muted headset or a dead input reads -70 dBFS and below. */
export const SILENT_DBFS = -60;
/** A speaking level below this is hard to hear on a call (speech into a headset reads about -30 to -10). */
export const QUIET_DBFS = -42;
/** A sample at or above this magnitude is at full scale: the microphone is clipping. */
export const CLIP_MAGNITUDE = 0.99;
/** Clipping in this share of the blocks or more distorts the voice audibly. */
export const CLIP_SHARE = 0.05;
/** The speaking level is this quantile of the block levels: the user may speak for a quarter of the time. */
export const SPEAKING_QUANTILE = 0.9;
/** The floor for digital silence (log of zero). */
export const FLOOR_DBFS = -100;

/** One block's loudness. */
export interface BlockLevel {
  /** RMS in dBFS, at least FLOOR_DBFS. */
  rmsDb: number;
  /** Largest magnitude of a sample, 0…1. */
  peak: number;
}

export type LevelVerdict = 'ok' | 'quiet' | 'silent' | 'clipping' | 'unmeasured';

export interface LevelResult {
  verdict: LevelVerdict;
  /** The speaking level (SPEAKING_QUANTILE of the block levels), dBFS; null when nothing was measured. */
  speakingDb: number | null;
  /** The loudest block, dBFS; null when nothing was measured. */
  loudestDb: number | null;
  /** Share of blocks with a sample at full scale, 0…1. */
  clippedShare: number;
  blocks: number;
}

const toDb = (rms: number) => Math.max(FLOOR_DBFS, 20 * Math.log10(rms));

/** The loudness of one block of samples; an empty block is silence. */
export function blockLevel(samples: ArrayLike<number>): BlockLevel {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    const a = Math.abs(s);
    sum += s * s;
    if (a > peak) peak = a;
  }
  const rms = samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
  return { rmsDb: toDb(rms), peak: Math.min(1, peak) };
}

/** The samples cut into blocks of `size`; a last partial block shorter than half a block is left out. */
export function blockLevels(samples: Float32Array, size = BLOCK_SAMPLES): BlockLevel[] {
  const out: BlockLevel[] = [];
  for (let from = 0; from < samples.length; from += size) {
    const block = samples.subarray(from, Math.min(samples.length, from + size));
    if (block.length * 2 < size && out.length > 0) break;
    out.push(blockLevel(block));
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? FLOOR_DBFS;
}

/** The verdict over a recording's blocks: silent, quiet, clipping or ok (unmeasured without blocks). */
export function judgeLevels(blocks: readonly BlockLevel[]): LevelResult {
  if (blocks.length === 0)
    return { verdict: 'unmeasured', speakingDb: null, loudestDb: null, clippedShare: 0, blocks: 0 };
  const sorted = blocks.map((b) => b.rmsDb).sort((a, b) => a - b);
  const loudestDb = sorted.at(-1) ?? FLOOR_DBFS;
  const speakingDb = quantile(sorted, SPEAKING_QUANTILE);
  const clippedShare = blocks.filter((b) => b.peak >= CLIP_MAGNITUDE).length / blocks.length;
  const verdict: LevelVerdict =
    loudestDb < SILENT_DBFS
      ? 'silent'
      : clippedShare >= CLIP_SHARE
        ? 'clipping'
        : speakingDb < QUIET_DBFS
          ? 'quiet'
          : 'ok';
  return { verdict, speakingDb, loudestDb, clippedShare, blocks: blocks.length };
}

/** Where the live meter stands for a level: SILENT_DBFS and below is empty, full scale is full. */
export function meterFraction(rmsDb: number): number {
  return Math.min(1, Math.max(0, (rmsDb - SILENT_DBFS) / -SILENT_DBFS));
}
