/**
 * Opening the microphone for the headset check, and the live level meter. The browser asks the user here,
 * and only here: the extension holds no microphone permission of its own. Every track is stopped when the
 * check ends, so the browser's "recording" indicator goes away with it.
 */
import { type BlockLevel, blockLevel } from './levels.ts';
import { MicError } from './mic-error.ts';

/** How long the browser's question may stay open: the user reads it and decides. */
export const PERMISSION_WAIT_MS = 60_000;
/** The live meter's refresh: ten times a second reads as movement without costing anything. */
export const METER_INTERVAL_MS = 100;

/**
 * The microphone as it is: no echo cancellation, noise suppression or automatic gain, which would hide a
 * quiet or noisy headset (and a steady test signal) from the user.
 */
export const RAW_AUDIO: MediaTrackConstraints = {
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
};

export const stopStream = (stream: MediaStream) => {
  for (const track of stream.getTracks()) track.stop();
};

/** Asks for the microphone; gives up after `waitMs` (and stops a stream granted later still). */
export function openMicrophone(
  mediaDevices: Pick<MediaDevices, 'getUserMedia'> | undefined,
  waitMs = PERMISSION_WAIT_MS,
): Promise<MediaStream> {
  if (!mediaDevices?.getUserMedia)
    return Promise.reject(new MicError('unsupported', 'navigator.mediaDevices is not available'));
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new MicError('timeout', `no answer to the microphone request within ${waitMs} ms`));
    }, waitMs);
    mediaDevices.getUserMedia({ audio: RAW_AUDIO, video: false }).then(
      (stream) => {
        clearTimeout(timer);
        if (late) stopStream(stream);
        else resolve(stream);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export interface LevelMeter {
  /** Every level read so far (the fallback when the recording cannot be decoded). */
  blocks: BlockLevel[];
  stop(): void;
}

/**
 * Reads the stream's level every METER_INTERVAL_MS and reports it. Without a running audio context (Firefox
 * on a computer with no audio output never starts one) it reports nothing, and the recording decides.
 */
export function startMeter(
  stream: MediaStream,
  AudioContextCtor: typeof AudioContext | undefined,
  onLevel: (level: BlockLevel) => void,
): LevelMeter {
  const blocks: BlockLevel[] = [];
  const none = { blocks, stop: () => undefined };
  if (!AudioContextCtor) return none;
  let ctx: AudioContext;
  let analyser: AnalyserNode;
  try {
    ctx = new AudioContextCtor();
    analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(stream).connect(analyser);
  } catch {
    // The meter is a help while recording; the recording itself still decides.
    return none;
  }
  ctx.resume().catch(() => undefined);
  const buffer = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    if (ctx.state !== 'running') return;
    analyser.getFloatTimeDomainData(buffer);
    const level = blockLevel(buffer);
    blocks.push(level);
    onLevel(level);
  }, METER_INTERVAL_MS);
  return {
    blocks,
    stop: () => {
      clearInterval(timer);
      ctx.close().catch(() => undefined);
    },
  };
}
