/**
 * A browser that stops answering getStats(): the media check still ends, within its own limits, instead of
 * waiting until the run gives up on it (about 40 s later). A late read after the window falls back on the window's newest figures and is counted; any
 * other late read says the browser could not measure, never that the network is blocked or the audio stopped.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkSecureMedia,
  defaultMediaOptions,
  MEDIA_TIMEOUTS,
} from '../../../src/checks/media/secure-media.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { fakePeerConnection, fakeRelaySocket, fakeTone } from '../../fakes/fake-webrtc.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A peer connection whose getStats() answers `answered` times, then never again; `calls` counts the asks. */
function statsStopAfter(answered: number, calls = { n: 0 }): typeof RTCPeerConnection {
  const Peer = fakePeerConnection('connects') as unknown as new (
    c: RTCConfiguration,
  ) => { getStats(): Promise<unknown> };
  return class extends Peer {
    override getStats() {
      calls.n += 1;
      return calls.n <= answered ? super.getStats() : new Promise<never>(() => undefined);
    }
  } as unknown as typeof RTCPeerConnection;
}

async function runWith(Peer: typeof RTCPeerConnection): Promise<CheckResult | 'still waiting'> {
  let result: CheckResult | 'still waiting' = 'still waiting';
  void checkSecureMedia(
    'https://relay.example:8443',
    'quick',
    {
      RTCPeerConnection: Peer,
      WebSocket: fakeRelaySocket('answers'),
      now: () => Date.now(),
      createTone: fakeTone,
    },
    { ...defaultMediaOptions('quick'), durationMs: 3000 },
  ).then((r) => {
    result = r;
  });
  // The whole check's setup and window, and the statistics' own limit, with room to spare: far less than
  // the run's limit for the check (about 40 s), which is what a hang would wait for.
  for (let i = 0; i < 200 && result === 'still waiting'; i++) await vi.advanceTimersByTimeAsync(100);
  return result;
}

describe('checkSecureMedia when the browser stops giving statistics', () => {
  it('ends with the figures it had when the final read never comes, and counts it', async () => {
    const calls = { n: 0 };
    const healthy = await runWith(statsStopAfter(Number.POSITIVE_INFINITY, calls));
    expect(healthy).toMatchObject({ status: 'pass' });
    expect((healthy as CheckResult).data.media).not.toHaveProperty('timings.statsLate');
    // Every read answers but the last, the one after the window.
    const r = await runWith(statsStopAfter(calls.n - 1));
    expect(r).not.toBe('still waiting');
    expect(r).toMatchObject({ status: 'pass', reason: 'ok' });
    expect((r as CheckResult).data.media).toMatchObject({ timings: { statsLate: 1 } });
  });

  it('ends naming the browser, not a media stall, when a read in the window never comes', async () => {
    const calls = { n: 0 };
    await runWith(statsStopAfter(Number.POSITIVE_INFINITY, calls));
    // The first echo is seen; a read in the window then never answers.
    expect(calls.n).toBeGreaterThan(2);
    const r = await runWith(statsStopAfter(1));
    expect(r).toMatchObject({ status: 'error', reason: 'browser-stats-late', step: 'media' });
  });

  it('says the browser could not measure, naming no network cause, when no statistics ever come', async () => {
    const r = await runWith(statsStopAfter(0));
    expect(r).not.toBe('still waiting');
    expect(r).toMatchObject({ status: 'error', reason: 'browser-stats-late', step: 'media' });
    expect((r as CheckResult).summary).toBe(
      `The browser did not report the call's statistics within ${MEDIA_TIMEOUTS.statsMs / 1000} s, so the audio could not be measured. This is the browser, not your network: restart the browser and run the check again.`,
    );
  });
});
