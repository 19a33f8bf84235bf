import { describe, expect, it } from 'vitest';
import {
  groupAnswerSdp,
  offerSections,
  PORTS_PER_CONNECTION,
  pairStates,
  probeAnswerSdp,
  runIceProbes,
  unsentPorts,
} from '../../../src/checks/ports/ice-probe.ts';

const creds = { ufrag: 'abcd1234', pwd: 'p'.repeat(24) };
const target = (relayPort: number, providerPort = relayPort) => ({
  address: '10.0.0.1',
  relayPort,
  providerPort,
});

describe('probeAnswerSdp', () => {
  it('describes the relay as an ICE-lite peer at each probe port with the session credentials', () => {
    const sdp = probeAnswerSdp('v=0\r\na=mid:7\r\n', [target(15000, 40000), target(15001, 44999)], creds);
    const lines = sdp.split('\r\n');
    expect(lines).toContain('a=ice-lite');
    expect(lines).toContain('a=mid:7');
    expect(lines).toContain('a=group:BUNDLE 7');
    expect(lines).toContain('a=ice-ufrag:abcd1234');
    expect(lines).toContain(`a=ice-pwd:${'p'.repeat(24)}`);
    expect(lines).toContain('a=candidate:1 1 udp 2130706431 10.0.0.1 15000 typ host');
    expect(lines).toContain('a=candidate:2 1 udp 2130706430 10.0.0.1 15001 typ host');
    expect(sdp).toMatch(/a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n/);
  });
});

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=inactive',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:63 red/48000/2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 109 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=rtpmap:109 opus/48000/2',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

describe('groupAnswerSdp', () => {
  it('puts each port on its own unbundled transport, one candidate each, answering the first codec', () => {
    const sections = offerSections(OFFER);
    expect(sections).toEqual([
      { mid: '0', proto: 'UDP/TLS/RTP/SAVPF', payload: '111', rtpmap: 'opus/48000/2' },
      { mid: '1', proto: 'UDP/TLS/RTP/SAVPF', payload: '109', rtpmap: 'opus/48000/2' },
    ]);
    const sdp = groupAnswerSdp(sections, [target(15000), target(15001)], creds);
    const media = sdp.split('\r\nm=').slice(1);
    expect(sdp).toContain('a=ice-lite');
    expect(sdp).not.toContain('a=group:BUNDLE');
    expect(media).toHaveLength(2);
    expect(media[0]).toContain('a=mid:0\r\n');
    expect(media[0]).toContain('a=rtpmap:111 opus/48000/2');
    expect(media[0]).toContain('a=candidate:1 1 udp 2130706431 10.0.0.1 15000 typ host');
    expect(media[0]).not.toContain('15001');
    expect(media[1]).toContain('a=mid:1\r\n');
    expect(media[1]).toContain('a=candidate:1 1 udp 2130706431 10.0.0.1 15001 typ host');
    for (const m of media) expect(m).toContain('a=inactive');
  });
});

describe('pairStates', () => {
  it('calls a port open once a pair to it succeeded, failed once every pair to it failed', () => {
    const states = pairStates([
      { type: 'remote-candidate', id: 'R1', port: 15000 },
      { type: 'remote-candidate', id: 'R2', port: 15001 },
      { type: 'remote-candidate', id: 'R3', port: 15002 },
      { type: 'candidate-pair', remoteCandidateId: 'R1', state: 'failed' },
      { type: 'candidate-pair', remoteCandidateId: 'R1', state: 'succeeded' },
      { type: 'candidate-pair', remoteCandidateId: 'R2', state: 'failed' },
      { type: 'candidate-pair', remoteCandidateId: 'R3', state: 'failed' },
      { type: 'candidate-pair', remoteCandidateId: 'R3', state: 'in-progress' },
    ]);
    expect([...states]).toEqual([
      [15000, 'open'],
      [15001, 'failed'],
    ]);
  });
});

describe('unsentPorts', () => {
  it('names the ports this computer sent no check to, and none where the browser does not count them', () => {
    const stats = [
      { type: 'remote-candidate', id: 'R1', port: 15000 },
      { type: 'remote-candidate', id: 'R2', port: 15001 },
      { type: 'remote-candidate', id: 'R3', port: 15002 },
      { type: 'candidate-pair', remoteCandidateId: 'R1', state: 'waiting', requestsSent: 0 },
      { type: 'candidate-pair', remoteCandidateId: 'R2', state: 'waiting', requestsSent: 0 },
      { type: 'candidate-pair', remoteCandidateId: 'R2', state: 'in-progress', requestsSent: 3 },
      { type: 'candidate-pair', remoteCandidateId: 'R3', state: 'in-progress' },
    ];
    expect([...unsentPorts(stats)]).toEqual([15000]);
  });
});

/**
 * A peer connection that gathers the given host candidates; the ports in `open` answer at once. Counts
 * the connections made, and refuses more than `limit` as Chromium does (with a DOMException, not an Error).
 */
function fakePeerConnection(opts: { addresses?: string[]; open: number[]; limit?: number }) {
  const made = { count: 0 };
  class Fake {
    localDescription: { sdp: string } | null = null;
    onicecandidate: ((e: { candidate: { type: string; address: string } | null }) => void) | null = null;
    iceConnectionState = 'new';
    transceivers = 0;
    remote: number[] = [];
    constructor() {
      made.count++;
      if (opts.limit !== undefined && made.count > opts.limit)
        throw Object.assign(Object.create(null), {
          name: 'UnknownError',
          message: 'Cannot create so many PeerConnections',
        });
    }
    addTransceiver() {
      this.transceivers++;
    }
    createDataChannel() {}
    async createOffer() {
      const sections = Array.from(
        { length: this.transceivers },
        (_, i) => `m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:${i}\r\na=rtpmap:111 opus/48000/2`,
      );
      return { type: 'offer', sdp: ['v=0', ...sections, ''].join('\r\n') };
    }
    async setLocalDescription(d: { sdp: string }) {
      this.localDescription = d;
      for (const address of opts.addresses ?? [])
        this.onicecandidate?.({ candidate: { type: 'host', address } });
    }
    async setRemoteDescription(d: { sdp: string }) {
      this.remote = [...d.sdp.matchAll(/typ host/g)].map((m) => {
        const line = d.sdp.slice(0, m.index).split('\n').at(-1) ?? '';
        return Number(line.trim().split(' ').at(-1));
      });
    }
    async getStats() {
      return new Map<string, Record<string, unknown>>(
        this.remote.flatMap(
          (port, i): Array<[string, Record<string, unknown>]> => [
            [`R${i}`, { type: 'remote-candidate', id: `R${i}`, port }],
            [
              `P${i}`,
              {
                type: 'candidate-pair',
                remoteCandidateId: `R${i}`,
                state: opts.open.includes(port) ? 'succeeded' : 'in-progress',
              },
            ],
          ],
        ),
      );
    }
    close() {}
  }
  return { Ctor: Fake as unknown as typeof RTCPeerConnection, made };
}

describe('runIceProbes', () => {
  it('probes many ports on few peer connections, each port judged on its own', async () => {
    const ports = Array.from({ length: 40 }, (_, i) => 30000 + i);
    const { Ctor, made } = fakePeerConnection({ open: ports.filter((p) => p % 7 !== 0) });
    const batch = await runIceProbes(
      Ctor,
      ports.map((p) => target(p, p + 10000)),
      creds,
      300,
      () => performance.now(),
    );
    expect(made.count).toBe(Math.ceil(40 / PORTS_PER_CONNECTION));
    expect(batch.results.map((r) => `${r.providerPort} ${r.status}`)).toEqual(
      ports.map((p) => `${p + 10000} ${p % 7 === 0 ? 'blocked' : 'open'}`),
    );
  });

  it('turns a peer connection the browser refuses into a named error per port, never a rejection', async () => {
    const { Ctor } = fakePeerConnection({ open: [30000], limit: 0 });
    const batch = await runIceProbes(Ctor, [target(30000)], creds, 300, () => performance.now());
    expect(batch.results[0]).toMatchObject({
      status: 'error',
      reason: 'probe-error (create): UnknownError: Cannot create so many PeerConnections',
    });
  });

  it('leaves out host candidates hidden behind mDNS names, which the NAT check cannot compare', async () => {
    const { Ctor } = fakePeerConnection({
      addresses: ['0a1b2c3d-0000-4000-8000-000000000000.local', '10.0.0.2'],
      open: [30000],
    });
    const batch = await runIceProbes(Ctor, [target(30000, 40000)], creds, 1000, () => Date.now());
    expect(batch.results[0]?.status).toBe('open');
    expect(batch.localAddresses).toEqual(['10.0.0.2']);
  });
});
