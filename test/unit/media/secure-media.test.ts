import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIN_MEDIA_MS, RESOLUTION_CHECK_MS } from '../../../src/checks/media/media-window.ts';
import { PROBE_INTERVAL_MS } from '../../../src/checks/media/probe-stats.ts';
import {
  checkSecureMedia,
  defaultMediaOptions,
  MEDIA_TIMEOUTS,
} from '../../../src/checks/media/secure-media.ts';
import {
  fakePeerConnection,
  fakeRelaySocket,
  fakeTone,
  type PeerScript,
  peerConfigs,
  type RelayScript,
} from '../../fakes/fake-webrtc.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function run(
  relay: RelayScript,
  peer: PeerScript,
  advanceMs: number,
  mode: 'quick' | 'extended' = 'quick',
  durationMs = 3000,
) {
  const pending = checkSecureMedia(
    'https://relay.example:8443',
    mode,
    {
      RTCPeerConnection: fakePeerConnection(peer),
      WebSocket: fakeRelaySocket(relay),
      now: () => Date.now(),
      createTone: fakeTone,
    },
    { ...defaultMediaOptions(mode), durationMs },
  );
  await vi.advanceTimersByTimeAsync(advanceMs);
  return pending;
}

describe('checkSecureMedia stages (scripted browser and relay)', () => {
  it('passes when the loopback connects and audio comes back', async () => {
    const r = await run('answers', 'connects', 5000);
    expect(r.status).toBe('pass');
    const media = r.data.media as Record<string, unknown>;
    expect(media.packetsReceived).toBeGreaterThan(0);
    expect(media.timings).toMatchObject({ signalingMs: expect.any(Number), firstEchoMs: expect.any(Number) });
    expect((media.probes as { received: number }).received).toBeGreaterThan(40);
  });

  it('ends the quick check’s media after about a second when nothing is lost (loss known to ±2 points)', async () => {
    const r = await run('answers', 'connects', 5000);
    const media = r.data.media as { probes: { sent: number }; lossPercent: number };
    // 205 echoed audio packets, none lost, and about 50 probes: resolved at the first look, at 1 s.
    expect(media.probes.sent).toBeGreaterThanOrEqual(MIN_MEDIA_MS / PROBE_INTERVAL_MS - 5);
    expect(media.probes.sent).toBeLessThan((MIN_MEDIA_MS + 2 * RESOLUTION_CHECK_MS) / PROBE_INTERVAL_MS);
    expect(media.lossPercent).toBe(0);
  });

  it('keeps measuring the whole duration when loss is not resolved yet', async () => {
    const r = await run('answers', 'lossy', 6000);
    const media = r.data.media as { probes: { sent: number }; loss: { roundTrip: { percent: number } } };
    // 23 of 228 echoed audio packets lost: over 3 s that is still more than ±2 points.
    expect(media.probes.sent).toBeGreaterThan(2500 / PROBE_INTERVAL_MS);
    expect(media.loss.roundTrip.percent).toBeGreaterThan(5);
  });

  it('runs the extended check its whole duration even when nothing is lost', async () => {
    const r = await run('answers', 'connects', 8000, 'extended', 5000);
    const media = r.data.media as { probes: { sent: number } };
    expect(media.probes.sent).toBeGreaterThan(4500 / PROBE_INTERVAL_MS);
  });

  it('against a relay from before the per-second counts: the whole-run loss per direction, no seconds', async () => {
    const r = await run('answers-older', 'connects', 8000, 'extended', 5000);
    expect(r.status).toBe('pass');
    const media = r.data.media as { loss: { uplink: unknown }; lossPerSecond?: unknown };
    expect(media.loss.uplink).not.toBeNull();
    expect(media.lossPerSecond).toBeUndefined();
  });

  it('names ICE when no media path opens', async () => {
    const r = await run('answers', 'ice-never', MEDIA_TIMEOUTS.iceMs + 1000);
    expect(r).toMatchObject({ status: 'fail', reason: 'ice-failed', step: 'ice' });
    expect(r.summary).toMatch(/UDP media ports/);
  });

  it('names DTLS when the path opens but encryption is not set up', async () => {
    const r = await run('answers', 'dtls-never', MEDIA_TIMEOUTS.dtlsMs + 1000);
    expect(r).toMatchObject({ status: 'fail', reason: 'dtls-failed', step: 'dtls' });
    expect(r.summary).toMatch(/A firewall or inspection device may be blocking DTLS/);
    expect(r.data.relayDtls).toMatchObject({ clientHellos: 0, cookieReturned: false });
  });

  it('when the relay says its answers reached this computer, names loss or large packets dropped on the way back', async () => {
    const r = await run('answers-dtls-heard', 'dtls-never', MEDIA_TIMEOUTS.dtlsMs + MEDIA_TIMEOUTS.countsMs);
    expect(r).toMatchObject({ status: 'fail', reason: 'dtls-failed', step: 'dtls' });
    expect(r.summary).toMatch(
      /DTLS is not simply blocked, since its first answer got through: packets from the relay are being lost on the way back/,
    );
    expect(r.summary).toMatch(/\(DTLS new within 8 s\)/);
    expect(r.data.relayDtls).toEqual({
      clientHellos: 6,
      cookieReturned: true,
      serverFlights: 5,
      clientKeyExchange: false,
    });
  });

  it('names the same when the relay gave up on DTLS first (its setup limit), not "the relay went away"', async () => {
    const r = await run('answers-gives-up', 'dtls-never', 6000 + MEDIA_TIMEOUTS.countsMs);
    expect(r).toMatchObject({ status: 'fail', reason: 'dtls-failed', step: 'dtls' });
    expect(r.summary).toMatch(
      /did not finish \(the relay stopped waiting for it\)\. DTLS is not simply blocked/,
    );
    expect(r.data.relayDtls).toMatchObject({ cookieReturned: true, serverFlights: 3 });
  });

  it('says the relay stopped, judging nothing of DTLS, when it gave up a moment into DTLS', async () => {
    const r = await run('answers-gives-up-early', 'dtls-never', 1000 + MEDIA_TIMEOUTS.countsMs);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-went-away', step: 'dtls' });
    expect(r.summary).not.toMatch(/DTLS is not simply blocked|firewall/);
  });

  it.each([
    ['heard the hellos but its answer never came back', 'answers-dtls-unheard' as const],
    ['is from before the question (refuses it and closes)', 'answers-older' as const],
  ])('keeps the firewall advice when the relay %s', async (_, relay) => {
    const r = await run(relay, 'dtls-never', MEDIA_TIMEOUTS.dtlsMs + MEDIA_TIMEOUTS.countsMs + 1000);
    expect(r).toMatchObject({ status: 'fail', reason: 'dtls-failed', step: 'dtls' });
    expect(r.summary).toMatch(/A firewall or inspection device may be blocking DTLS/);
  });

  it('names media when nothing is echoed', async () => {
    const r = await run('answers', 'no-echo', MEDIA_TIMEOUTS.firstEchoMs + 1000);
    expect(r).toMatchObject({ status: 'fail', reason: 'no-media-returned', step: 'media' });
  });

  it('gives the first echo more time when the relay says it receives the audio, then says none came back', async () => {
    const r = await run(
      'answers-receiving',
      'no-echo',
      MEDIA_TIMEOUTS.firstEchoMs + MEDIA_TIMEOUTS.firstEchoFlowingMs + 1000,
    );
    expect(r).toMatchObject({ status: 'fail', reason: 'no-media-returned', step: 'media' });
    expect(r.summary).toContain('the relay received the audio, but none came back within 5 s');
  });

  it('names signaling when the relay never answers', async () => {
    const r = await run('silent', 'connects', MEDIA_TIMEOUTS.signalingMs + 1000);
    expect(r).toMatchObject({ status: 'fail', reason: 'signaling-failed', step: 'wss' });
  });

  it('says "busy, retry" with the relay\'s retry time', async () => {
    const r = await run('busy', 'connects', 500);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-busy' });
    expect(r.summary).toContain('7 s');
  });

  it('bundles audio and data on one transport with RTCP muxed, so Firefox gathers one set of candidates', async () => {
    await run('answers', 'connects', 5000);
    expect(peerConfigs.at(-1)).toMatchObject({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  });

  it('reports a relay that refuses the session as a refusal with its reason, not as an outage', async () => {
    const r = await run('refuses-candidates', 'connects', 500);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-refused', step: 'wss' });
    expect(r.summary).toContain('refused the media session (too-many-candidates)');
    expect(r.summary).not.toMatch(/went away|restarting/);
  });

  it('names the stage when the relay says media failed to connect', async () => {
    const r = await run('media-failed', 'ice-never', 500);
    expect(r).toMatchObject({ status: 'fail', reason: 'signaling-failed' });
    expect(r.summary).toContain('the relay reported media-failed');
  });

  it('reports the relay going away mid-media as such, not as a blocked network', async () => {
    const r = await run('closes-during-media', 'connects', 5000);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-went-away' });
    expect(r.summary).toMatch(/does not mean your network is blocked/);
  });
});
