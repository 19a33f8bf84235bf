// @vitest-environment happy-dom
/**
 * The headset check's steps with fake browser parts: the microphone is released whatever happens, a
 * question left unanswered ends the check, and the page says each outcome in words.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceApp } from '../../../device/app.tsx';
import {
  type HeadsetDeps,
  type HeadsetRecording,
  runHeadsetCheck,
} from '../../../src/device/headset-check.ts';
import { micProblem } from '../../../src/device/mic-error.ts';
import { recordStream } from '../../../src/device/recording.ts';

afterEach(cleanup);

function fakeStream() {
  const track = { stop: vi.fn() };
  return { track, stream: { getTracks: () => [track] } as unknown as MediaStream };
}

/** A MediaRecorder that hands over one chunk when stopped, or fails with `error`. */
function fakeRecorder(error?: string): typeof MediaRecorder {
  return class {
    mimeType = 'audio/webm';
    ondataavailable: ((e: { data: Blob }) => void) | null = null;
    onstop: (() => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    start() {}
    stop() {
      if (error) this.onerror?.({ type: 'error', error });
      else {
        this.ondataavailable?.({ data: new Blob(['x']) });
        this.onstop?.();
      }
    }
  } as unknown as typeof MediaRecorder;
}

/** An OfflineAudioContext whose decoding gives `samples`. */
function fakeDecoder(samples: Float32Array): typeof OfflineAudioContext {
  return class {
    decodeAudioData = async () => ({ sampleRate: 48_000, getChannelData: () => samples });
  } as unknown as typeof OfflineAudioContext;
}

function deps(over: Partial<HeadsetDeps> & { stream?: MediaStream } = {}): HeadsetDeps {
  const stream = over.stream ?? fakeStream().stream;
  return {
    mediaDevices: { getUserMedia: async () => stream },
    MediaRecorder: fakeRecorder(),
    AudioContext: undefined,
    OfflineAudioContext: fakeDecoder(new Float32Array(48_000)),
    recordMs: 10,
    ...over,
  };
}

/**
 * Runs the check on fake timers, so the recording's countdown and the question's time limit pass exactly as
 * written: on a busy machine a real 10 ms timer may fire before 10 ms have passed by the clock, and the
 * countdown then says "1 second left" twice.
 */
async function onFakeTimers<T>(run: () => Promise<T>): Promise<T> {
  vi.useFakeTimers();
  try {
    const settled = run().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await vi.runAllTimersAsync();
    const outcome = await settled;
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  } finally {
    vi.useRealTimers();
  }
}

describe('recordStream', () => {
  it('counts the seconds down once each, even when every timer fires a millisecond early', async () => {
    const left: number[] = [];
    await onFakeTimers(() => {
      const fakeSetTimeout = globalThis.setTimeout;
      const early = vi
        .spyOn(globalThis, 'setTimeout')
        .mockImplementation(((fn: () => void, ms = 0) => fakeSetTimeout(fn, Math.max(1, ms - 1))) as never);
      return recordStream(fakeStream().stream, fakeRecorder(), 4000, (s) => left.push(s)).finally(() =>
        early.mockRestore(),
      );
    });
    expect(left).toEqual([4, 3, 2, 1]);
  });
});

describe('runHeadsetCheck', () => {
  it('asks, records, releases the microphone, then judges the decoded recording', async () => {
    const { track, stream } = fakeStream();
    const steps: string[] = [];
    const result = await onFakeTimers(() => runHeadsetCheck(deps({ stream }), (p) => steps.push(p.step)));
    expect(steps).toEqual(['asking', 'recording', 'analysing']);
    expect(track.stop).toHaveBeenCalled();
    expect(result.measuredFrom).toBe('recording');
    expect(result.level.verdict).toBe('silent');
    expect(result.audio.size).toBe(1);
  });

  it('releases the microphone when the recording fails', async () => {
    const { track, stream } = fakeStream();
    const err = await onFakeTimers(() =>
      runHeadsetCheck(deps({ stream, MediaRecorder: fakeRecorder('boom') }), () => undefined),
    ).catch((e: unknown) => e);
    expect(micProblem(err)).toBe('recording');
    expect(track.stop).toHaveBeenCalled();
  });

  it('gives up on an unanswered question, and releases a microphone granted too late', async () => {
    const { track, stream } = fakeStream();
    let grant: (s: MediaStream) => void = () => undefined;
    const late = deps({
      mediaDevices: { getUserMedia: () => new Promise<MediaStream>((r) => (grant = r)) },
      permissionWaitMs: 20,
    });
    const err = await onFakeTimers(() => runHeadsetCheck(late, () => undefined)).catch((e: unknown) => e);
    expect(micProblem(err)).toBe('timeout');
    grant(stream);
    await vi.waitFor(() => expect(track.stop).toHaveBeenCalled());
  });

  it('says unsupported where the page has no microphone API', async () => {
    const err = await runHeadsetCheck(deps({ mediaDevices: undefined }), () => undefined).catch(
      (e: unknown) => e,
    );
    expect(micProblem(err)).toBe('unsupported');
  });

  it('falls back to the live meter when the recording cannot be decoded, and says unmeasured without it', async () => {
    const result = await onFakeTimers(() =>
      runHeadsetCheck(deps({ OfflineAudioContext: undefined }), () => undefined),
    );
    expect(result.measuredFrom).toBe('meter');
    expect(result.level.verdict).toBe('unmeasured');
  });
});

describe('the headset check page', () => {
  // The verdict is certain to come (the check is a resolved fake); findBy*'s 1 s default is not enough for a
  // render on a machine whose two cores are shared by a dozen test processes.
  const shown = { timeout: 15_000 };
  const recording = (verdict: 'ok' | 'quiet'): HeadsetRecording => ({
    level: { verdict, speakingDb: verdict === 'ok' ? -20 : -50, loudestDb: -15, clippedShare: 0, blocks: 80 },
    audio: new Blob(['x']),
    measuredFrom: 'recording',
  });

  it('asks nothing until the click, then shows the verdict and offers playback', async () => {
    URL.createObjectURL = vi.fn(() => 'blob:fake');
    URL.revokeObjectURL = vi.fn();
    const check = vi.fn(async () => recording('quiet'));
    render(<DeviceApp check={check} />);
    expect(check).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Test my headset' }));
    const verdict = await screen.findByText(
      /^Your microphone is very quiet \(-50 dBFS while you spoke\)/,
      {},
      shown,
    );
    expect(verdict.getAttribute('data-level-verdict')).toBe('quiet');
    expect(screen.getByRole('button', { name: 'Play back my recording' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Record again' })).toBeTruthy();
  });

  it('shows why nothing was recorded when the browser refuses', async () => {
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    render(<DeviceApp check={async () => Promise.reject(denied)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Test my headset' }));
    const alert = await screen.findByRole('alert', {}, shown);
    expect(alert.getAttribute('data-problem')).toBe('denied');
    expect(alert.textContent).toMatch(/^The browser did not allow the microphone, so nothing was recorded\./);
  });
});
