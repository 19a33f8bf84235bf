/**
 * The media check stopped by the run (its time limit passed): the peer connection, the relay's WebSocket
 * (after a bye) and the tone are closed at once, mid-measurement, not when the media window would have ended.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkSecureMedia, defaultMediaOptions } from '../../../src/checks/media/secure-media.ts';
import { CheckTimedOut } from '../../../src/checks/runner.ts';
import { fakePeerConnection, fakeRelaySocket } from '../../fakes/fake-webrtc.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('checkSecureMedia told to stop', () => {
  it('closes the peer connection, says bye and closes the socket, and stops the tone at once', async () => {
    const closed: string[] = [];
    const sent: string[] = [];
    const Peer = fakePeerConnection('lossy');
    const Socket = fakeRelaySocket('answers');
    const PeerWatched = class extends (Peer as unknown as new (c: RTCConfiguration) => { close(): void }) {
      override close() {
        closed.push('peer connection');
      }
    } as unknown as typeof RTCPeerConnection;
    const SocketWatched = class extends (Socket as unknown as new (
      url: string,
    ) => { send(t: string): void; close(): void }) {
      override send(text: string) {
        sent.push(JSON.parse(text).type);
        super.send(text);
      }
      override close() {
        closed.push('socket');
        super.close();
      }
    } as unknown as typeof WebSocket;
    const stop = new AbortController();
    const pending = checkSecureMedia(
      'https://relay.example:8443',
      'quick',
      {
        RTCPeerConnection: PeerWatched,
        WebSocket: SocketWatched,
        now: () => Date.now(),
        createTone: async () => ({
          track: {} as MediaStreamTrack,
          state: () => 'running',
          stop: () => closed.push('tone'),
        }),
        signal: stop.signal,
      },
      { ...defaultMediaOptions('quick'), durationMs: 3000 },
    );
    const outcome = pending.then(
      () => 'ended',
      (err: unknown) => err,
    );
    // Into the media window of a lossy path, which would measure the whole 3 s.
    await vi.advanceTimersByTimeAsync(1500);
    expect(closed).toEqual([]);
    stop.abort(new CheckTimedOut(1500));
    expect(closed.sort()).toEqual(['peer connection', 'socket', 'tone']);
    expect(sent.at(-1)).toBe('bye');
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(CheckTimedOut);
    // Closed once, not again at the end.
    expect(closed).toHaveLength(3);
  });
});
