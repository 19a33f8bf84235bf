/**
 * The few seconds of the user's voice: recorded in memory (MediaRecorder), then decoded once more so the
 * verdict is taken over exactly what the user will hear played back. Nothing is written to storage or sent.
 */
import { BLOCK_SAMPLES, type BlockLevel, blockLevels } from './levels.ts';
import { MicError } from './mic-error.ts';

/** Long enough for a short sentence, short enough to listen to at once. */
export const RECORD_MS = 4000;
/** The recorder hands over its data when stopped; it has this long to do so. */
export const STOP_WAIT_MS = 5000;
/** Decoding a few seconds of audio takes milliseconds; this is the bound. */
export const DECODE_WAIT_MS = 5000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new MicError('recording', `${what} took over ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records `ms` of the stream; `onSecondsLeft` counts down once a second. */
export async function recordStream(
  stream: MediaStream,
  Recorder: typeof MediaRecorder | undefined,
  ms = RECORD_MS,
  onSecondsLeft: (s: number) => void = () => undefined,
): Promise<Blob> {
  if (!Recorder) throw new MicError('unsupported', 'MediaRecorder is not available');
  const recorder = new Recorder(stream);
  const chunks: Blob[] = [];
  const stopped = new Promise<void>((resolve, reject) => {
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    recorder.onstop = () => resolve();
    recorder.onerror = (e) => reject(new MicError('recording', String((e as ErrorEvent).error ?? e.type)));
  });
  recorder.start();
  const end = Date.now() + ms;
  let shown = 0;
  for (let left = ms; left > 0; left = end - Date.now()) {
    // A timer may fire a millisecond early: the same second is then not counted twice.
    const seconds = Math.ceil(left / 1000);
    if (seconds !== shown) onSecondsLeft(seconds);
    shown = seconds;
    await sleep(Math.min(1000, left));
  }
  recorder.stop();
  await within(stopped, STOP_WAIT_MS, 'stopping the recorder');
  return new Blob(chunks, { type: recorder.mimeType || chunks[0]?.type || 'audio/webm' });
}

/** The recording's block levels, or null when this browser cannot decode its own recording. */
export async function decodeLevels(
  recording: Blob,
  Offline: typeof OfflineAudioContext | undefined,
): Promise<BlockLevel[] | null> {
  if (!Offline || recording.size === 0) return null;
  try {
    const bytes = await recording.arrayBuffer();
    const audio = await within(
      new Offline(1, 1, 48_000).decodeAudioData(bytes),
      DECODE_WAIT_MS,
      'decoding the recording',
    );
    const size = Math.round((audio.sampleRate / 48_000) * BLOCK_SAMPLES);
    return blockLevels(audio.getChannelData(0), size);
  } catch {
    return null;
  }
}
