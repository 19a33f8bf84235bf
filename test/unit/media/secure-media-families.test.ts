/**
 * The media check over both IP versions, wired (scripted browser and relay, fake-webrtc.ts): the second
 * sample gives the browser the relay's UDP candidates of the other version only, and its outcome reaches the
 * result. The rule itself is other-family.test.ts's; the real thing is lab-ipv6.e2e.ts's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sdpCandidates } from '../../../src/checks/media/family-candidates.ts';
import {
  checkSecureMedia,
  defaultMediaOptions,
  MEDIA_TIMEOUTS,
} from '../../../src/checks/media/secure-media.ts';
import {
  DUAL_CANDIDATES,
  fakePeerConnection,
  fakeRelaySocket,
  fakeTone,
  type PeerScript,
  remoteSdps,
} from '../../fakes/fake-webrtc.ts';

beforeEach(() => {
  vi.useFakeTimers();
  remoteSdps.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

async function run(peer: PeerScript, bothFamilies: boolean, advanceMs: number) {
  const pending = checkSecureMedia(
    'https://relay.example:8443',
    'quick',
    {
      RTCPeerConnection: fakePeerConnection(peer),
      WebSocket: fakeRelaySocket('answers-dual'),
      now: () => Date.now(),
      createTone: fakeTone,
    },
    { ...defaultMediaOptions('quick'), bothFamilies },
  );
  await vi.advanceTimersByTimeAsync(advanceMs);
  return pending;
}

describe('the media check over both IP versions (scripted)', () => {
  it('samples IPv6 second with the relay’s IPv6 UDP candidate only, and warns when it finds no path', async () => {
    // The stats fixture's pair is IPv4: the first sample crossed IPv4.
    const r = await run('dual-ipv6-udp-dropped', true, 8000 + MEDIA_TIMEOUTS.iceMs);
    expect(remoteSdps.map(sdpCandidates)).toEqual([DUAL_CANDIDATES, [DUAL_CANDIDATES[1]]]);
    expect(r).toMatchObject({ status: 'warn', reason: 'ipv6-media-fails', step: 'ice' });
    expect(r.data.otherFamily).toMatchObject({ family: 'IPv6', outcome: 'fails', reason: 'ice-failed' });
    expect(r.summary).toContain('Over IPv6, no encrypted audio got through, while over IPv4 it did');
  });

  it('adds the IPv6 sample’s figures when it carries audio', async () => {
    const r = await run('dual-open', true, 10_000);
    expect(remoteSdps).toHaveLength(2);
    expect(r).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(r.data.otherFamily).toMatchObject({ family: 'IPv6', outcome: 'carried' });
    // (The stats fixture names the same IPv4 pair for every sample: the figures' family is the fake's.)
    expect(r.summary).toMatch(/ Over IPv6 as well: UDP\/IPv4, RTT /);
  });

  it('samples once, as before, where both families were not asked for (other relays, the web check)', async () => {
    const r = await run('dual-ipv6-udp-dropped', false, 8000);
    expect(remoteSdps).toHaveLength(1);
    expect(r).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(r.data.otherFamily).toBeUndefined();
  });
});
