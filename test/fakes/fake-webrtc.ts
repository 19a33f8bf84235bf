/**
 * Scripted stand-ins for the browser's RTCPeerConnection and WebSocket talking to a relay, for unit tests of
 * the media check's stage logic. The real thing is covered end to end in Chromium.
 */
import { readFileSync } from 'node:fs';

export type RelayScript =
  | 'answers'
  | 'busy'
  | 'silent'
  | 'closes-during-media'
  | 'refuses-candidates'
  | 'media-failed'
  /** Answers, and says it receives the client's audio (media-counts) whatever the peer does. */
  | 'answers-receiving'
  /** Answers, but refuses media-counts with perSecond and closes, as a relay from before it does. */
  | 'answers-older';
export type PeerScript =
  | 'connects'
  | 'ice-never'
  | 'dtls-never'
  | 'no-echo'
  /** Connects, and the echoed audio misses 10 % of its packets (the probes all come back). */
  | 'lossy';

const chromiumStats = JSON.parse(
  readFileSync(new URL('../fixtures/stats/chromium-udp.json', import.meta.url), 'utf8'),
).stats as Array<Record<string, unknown>>;

export function fakeRelaySocket(script: RelayScript) {
  return class FakeWebSocket {
    static readonly OPEN = 1;
    readonly OPEN = 1;
    readyState = 0;
    onopen: (() => void) | null = null;
    onclose: ((e: { code: number }) => void) | null = null;
    onmessage: ((e: { data: string }) => void) | null = null;
    constructor(_url: string) {
      setTimeout(() => {
        this.readyState = 1;
        this.onopen?.();
        this.emit({ type: 'hello', relayVersion: 't', tls: { protocol: 'TLSv1.3', cipher: null } });
      }, 5);
    }
    emit(m: unknown) {
      setTimeout(() => this.onmessage?.({ data: JSON.stringify(m) }), 1);
    }
    send(text: string) {
      const m = JSON.parse(text);
      if (m.type === 'media-counts' && m.perSecond && script === 'answers-older') {
        this.emit({ type: 'error', code: 'bad-message', message: 'perSecond: Invalid key' });
        setTimeout(() => this.close(), 2);
        return;
      }
      if (m.type === 'media-counts') {
        const received = script === 'answers-receiving' ? 50 : 0;
        this.emit({
          type: 'media-counts',
          rtp: { received, expected: received },
          // Every probe the fake peer sent (the client counts no more than it sent).
          probes: { received: 100_000 },
        });
      }
      if (m.type !== 'offer') return;
      if (script === 'busy') this.emit({ type: 'error', code: 'busy', message: 'busy', retryAfterS: 7 });
      if (script === 'refuses-candidates')
        this.emit({ type: 'error', code: 'too-many-candidates', message: 'more than 20 candidates' });
      if (script === 'media-failed')
        this.emit({ type: 'error', code: 'media-failed', message: 'ICE failed' });
      if (['answers', 'answers-receiving', 'answers-older', 'closes-during-media'].includes(script))
        this.emit({ type: 'answer', sdp: 'v=0 fake' });
      if (script === 'closes-during-media') setTimeout(() => this.close(), 700);
    }
    close() {
      if (this.readyState === 3) return;
      this.readyState = 3;
      setTimeout(() => this.onclose?.({ code: 1006 }), 1);
    }
  } as unknown as typeof WebSocket;
}

/** The configuration each fake peer connection was made with, newest last. */
export const peerConfigs: RTCConfiguration[] = [];

export function fakePeerConnection(script: PeerScript) {
  return class FakePeerConnection {
    constructor(config: RTCConfiguration) {
      peerConfigs.push(config);
    }
    iceConnectionState = 'new';
    connectionState = 'new';
    localDescription: { sdp: string } | null = null;
    onicecandidate: ((e: { candidate: null }) => void) | null = null;
    addTransceiver() {}
    createDataChannel() {
      const ch = {
        readyState: 'open',
        onmessage: null as ((e: { data: string }) => void) | null,
        send: (d: string) => setTimeout(() => ch.onmessage?.({ data: d }), 2),
      };
      return ch;
    }
    async createOffer() {
      return { type: 'offer', sdp: 'v=0 offer' };
    }
    async setLocalDescription(d: { sdp: string }) {
      this.localDescription = d;
      setTimeout(() => this.onicecandidate?.({ candidate: null }), 1);
    }
    async setRemoteDescription() {
      if (script === 'ice-never') return;
      setTimeout(() => {
        this.iceConnectionState = 'connected';
        if (script !== 'dtls-never') this.connectionState = 'connected';
      }, 20);
    }
    async addIceCandidate() {}
    async getStats() {
      const stats =
        script === 'no-echo'
          ? chromiumStats.filter((s) => s.type !== 'inbound-rtp')
          : script === 'lossy'
            ? chromiumStats.map((s) => (s.type === 'inbound-rtp' ? { ...s, packetsLost: 23 } : s))
            : chromiumStats;
      return new Map(stats.map((s) => [s.id as string, s]));
    }
    close() {}
  } as unknown as typeof RTCPeerConnection;
}

export const fakeTone = async () => ({
  track: {} as MediaStreamTrack,
  state: () => 'running',
  stop: () => {},
});
