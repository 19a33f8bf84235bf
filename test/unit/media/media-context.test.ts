import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TONE_START_MS, toneOn, toneSilent } from '../../../src/checks/media/media-context.ts';
import { renderText } from '../../../src/report-text/render-text.ts';
import { mediaReport } from '../../fakes/media-report.ts';
import { report as sampleReport } from '../../fakes/report.ts';

/** An AudioContext as Firefox has it without an audio device: resume() never settles, the state stays. */
function audioContext(resume: () => Promise<void>, state: AudioContextState) {
  const track = { stop: vi.fn() };
  return {
    state,
    resume,
    close: vi.fn(async () => undefined),
    createOscillator: () => ({ frequency: { value: 0 }, connect: vi.fn(), start: vi.fn(), stop: vi.fn() }),
    createMediaStreamDestination: () => ({ stream: { getAudioTracks: () => [track] } }),
  } as unknown as AudioContext;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the test tone', () => {
  it('goes on after a bounded wait when resume() never settles, and says the tone stayed suspended', async () => {
    let settled = false;
    const pending = toneOn(audioContext(() => new Promise(() => {}), 'suspended')).then((tone) => {
      settled = true;
      return tone;
    });
    await vi.advanceTimersByTimeAsync(TONE_START_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const tone = await pending;
    expect(tone.state()).toBe('suspended');
    expect(toneSilent(tone.state())).toBe(true);
  });

  it('does not wait when the context starts at once', async () => {
    const tone = await toneOn(audioContext(async () => undefined, 'running'));
    expect(tone.state()).toBe('running');
    expect(toneSilent(tone.state())).toBe(false);
  });

  it('is named in the text report when it stayed silent', () => {
    const report = sampleReport();
    const silent = renderText({ ...report, media: { ...mediaReport(), toneState: 'suspended' } });
    expect(silent).toContain('test tone silent (audio suspended: no audio output?)');
    expect(renderText({ ...report, media: mediaReport() })).not.toContain('test tone');
  });
});
