/**
 * The headset check from the click to the verdict: ask for the microphone, record a few seconds while the
 * meter moves, release the microphone, judge the recording. The browser parts come in as `HeadsetDeps`, so
 * the page's UI tests run it with fakes and the e2e tests with Chromium's and Firefox's fake devices.
 */
import { type BlockLevel, judgeLevels, type LevelResult } from './levels.ts';
import { openMicrophone, PERMISSION_WAIT_MS, startMeter, stopStream } from './microphone.ts';
import { decodeLevels, RECORD_MS, recordStream } from './recording.ts';

export interface HeadsetDeps {
  mediaDevices: Pick<MediaDevices, 'getUserMedia'> | undefined;
  MediaRecorder: typeof MediaRecorder | undefined;
  AudioContext: typeof AudioContext | undefined;
  OfflineAudioContext: typeof OfflineAudioContext | undefined;
  recordMs?: number;
  permissionWaitMs?: number;
}

/** What the page shows while the check runs. */
export type HeadsetProgress =
  | { step: 'asking' }
  | { step: 'recording'; secondsLeft: number }
  | { step: 'level'; level: BlockLevel }
  | { step: 'analysing' };

export interface HeadsetRecording {
  level: LevelResult;
  /** The user's voice, in this page's memory only. */
  audio: Blob;
  /** Which samples the verdict came from: the decoded recording, or the live meter when it could not be decoded. */
  measuredFrom: 'recording' | 'meter';
}

/** The browser's own parts, in a page. */
export function browserDeps(): HeadsetDeps {
  return {
    mediaDevices: globalThis.navigator?.mediaDevices,
    MediaRecorder: globalThis.MediaRecorder,
    AudioContext: globalThis.AudioContext,
    OfflineAudioContext: globalThis.OfflineAudioContext,
  };
}

/** Runs the check; throws what micProblem() classifies when the microphone cannot be used. */
export async function runHeadsetCheck(
  deps: HeadsetDeps,
  onProgress: (p: HeadsetProgress) => void,
): Promise<HeadsetRecording> {
  onProgress({ step: 'asking' });
  const stream = await openMicrophone(deps.mediaDevices, deps.permissionWaitMs ?? PERMISSION_WAIT_MS);
  const meter = startMeter(stream, deps.AudioContext, (level) => onProgress({ step: 'level', level }));
  let audio: Blob;
  try {
    audio = await recordStream(stream, deps.MediaRecorder, deps.recordMs ?? RECORD_MS, (secondsLeft) =>
      onProgress({ step: 'recording', secondsLeft }),
    );
  } finally {
    meter.stop();
    stopStream(stream);
  }
  onProgress({ step: 'analysing' });
  const decoded = await decodeLevels(audio, deps.OfflineAudioContext);
  return decoded && decoded.length > 0
    ? { level: judgeLevels(decoded), audio, measuredFrom: 'recording' }
    : { level: judgeLevels(meter.blocks), audio, measuredFrom: 'meter' };
}
