/**
 * Scripted stand-ins for the browser's RTCPeerConnection and WebSocket talking to a relay, for unit tests of
 * the media check's stage logic. The real thing is covered end to end in Chromium.
 */
import { readFileSync } from 'node:fs';
import { FakeRelaySocket } from './fake-socket.ts';

export type RelayScript =
  | 'answers'
  | 'busy'
  | 'silent'
  | 'closes-during-media'
  | 'refuses-candidates'
  | 'media-failed'
  /** Answers, and says it receives the client's audio (media-counts) whatever the peer does. */
  | 'answers-receiving'
  /** Answers, but refuses media-counts with perSecond or dtls and closes, as a relay from before them does. */
  | 'answers-older'
  /** Answers, and asked what its DTLS saw, says the client returned its cookie (its answers arrived). */
  | 'answers-dtls-heard'
  /** Answers, and asked what its DTLS saw, says it heard the client's hellos, never with the cookie. */
  | 'answers-dtls-unheard'
  /**
   * Answers, ends the session at its setup limit 3 s later (session-ended setup-timeout, the socket left
   * open), and asked what its DTLS saw, says the client returned its cookie.
   */
  | 'answers-gives-up'
  /** The same, but 1 s into DTLS (after a slow ICE): too soon to say anything of DTLS on the path. */
  | 'answers-gives-up-early'
  /** Answers with UDP host candidates on IPv4 and IPv6 and ICE-TCP (a relay with --media-address6). */
  | 'answers-dual';
export type PeerScript =
  | 'connects'
  | 'ice-never'
  | 'dtls-never'
  | 'no-echo'
  /** Connects, and the echoed audio misses 10 % of its packets (the probes all come back). */
  | 'lossy'
  /**
   * A computer with an IPv4 and an IPv6 address (its host candidates) behind a firewall that drops IPv6 UDP:
   * connects only when the relay's answer holds an IPv4 candidate.
   */
  | 'dual-ipv6-udp-dropped'
  /** The same computer with both families open. */
  | 'dual-open';

/** The relay's candidates in the 'answers-dual' answer. */
export const DUAL_CANDIDATES = [
  'candidate:1 1 udp 2130706431 203.0.113.10 41000 typ host',
  'candidate:2 1 udp 2130706431 2001:db8:113::10 41000 typ host',
  'candidate:3 1 tcp 1671430143 203.0.113.10 41000 typ host tcptype passive',
];
const DUAL_ANSWER = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  ...DUAL_CANDIDATES.map((c) => `a=${c}`),
  '',
].join('\r\n');

/** The answers every fake peer connection was given, in order. */
export const remoteSdps: string[] = [];

const chromiumStats = JSON.parse(
  readFileSync(new URL('../fixtures/stats/chromium-udp.json', import.meta.url), 'utf8'),
).stats as Array<Record<string, unknown>>;

const ANSWERS: RelayScript[] = [
  'answers',
  'answers-receiving',
  'answers-older',
  'answers-dtls-heard',
  'answers-dtls-unheard',
  'answers-gives-up',
  'answers-gives-up-early',
  'closes-during-media',
];

/** What each relay says its DTLS saw, asked with media-counts dtls. */
const DTLS_SEEN: Partial<Record<RelayScript, unknown>> = {
  'answers-dtls-heard': { clientHellos: 6, cookieReturned: true, serverFlights: 5, clientKeyExchange: false },
  'answers-gives-up': { clientHellos: 4, cookieReturned: true, serverFlights: 3, clientKeyExchange: false },
  'answers-gives-up-early': {
    clientHellos: 1,
    cookieReturned: true,
    serverFlights: 1,
    clientKeyExchange: false,
  },
  'answers-dtls-unheard': {
    clientHellos: 6,
    cookieReturned: false,
    serverFlights: 0,
    clientKeyExchange: false,
  },
  answers: { clientHellos: 0, cookieReturned: false, serverFlights: 0, clientKeyExchange: false },
};

export function fakeRelaySocket(script: RelayScript) {
  return class FakeWebSocket extends FakeRelaySocket {
    protected override open() {
      super.open();
      this.emit({ type: 'hello', relayVersion: 't', tls: { protocol: 'TLSv1.3', cipher: null } });
    }
    override send(text: string) {
      const m = JSON.parse(text);
      if (m.type === 'media-counts' && (m.perSecond || m.dtls) && script === 'answers-older') {
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
          ...(m.dtls ? { dtls: DTLS_SEEN[script] } : {}),
        });
      }
      if (m.type !== 'offer') return;
      if (script === 'busy') this.emit({ type: 'error', code: 'busy', message: 'busy', retryAfterS: 7 });
      if (script === 'refuses-candidates')
        this.emit({ type: 'error', code: 'too-many-candidates', message: 'more than 20 candidates' });
      if (script === 'media-failed')
        this.emit({ type: 'error', code: 'media-failed', message: 'ICE failed' });
      if (ANSWERS.includes(script)) this.emit({ type: 'answer', sdp: 'v=0 fake' });
      if (script === 'answers-dual') this.emit({ type: 'answer', sdp: DUAL_ANSWER });
      if (script === 'closes-during-media') setTimeout(() => this.close(), 700);
      if (script === 'answers-gives-up' || script === 'answers-gives-up-early') {
        const after = script === 'answers-gives-up' ? 6000 : 1000;
        setTimeout(() => this.emit({ type: 'session-ended', reason: 'setup-timeout' }), after);
      }
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
    onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
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
      const own = script.startsWith('dual-') ? ['192.0.2.10', '2001:db8:77::10', 'fe80::1'] : [];
      for (const address of own) {
        const candidate = {
          type: 'host',
          address,
          toJSON: () => ({ candidate: `candidate:9 1 udp 1 ${address} 5000 typ host` }),
        };
        setTimeout(() => this.onicecandidate?.({ candidate }), 1);
      }
      setTimeout(() => this.onicecandidate?.({ candidate: null }), 1);
    }
    async setRemoteDescription(d: { sdp: string }) {
      remoteSdps.push(d.sdp);
      if (script === 'ice-never') return;
      if (script === 'dual-ipv6-udp-dropped' && !/^a=candidate:\S+ 1 udp \S+ 203\./m.test(d.sdp)) return;
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
