import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeTlsVersion,
  lossPercent,
  type MediaStatsSummary,
  reduceStats,
} from '../../../src/checks/media/reduce-stats.ts';

type Stat = Record<string, unknown>;

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8')) as T;
}

const fixture = (name: string): Stat[] => load<{ stats: Stat[] }>(`${name}.json`).stats;

const EMPTY: MediaStatsSummary = {
  transport: null,
  localCandidateType: null,
  remoteCandidateType: null,
  remotePort: null,
  addressFamily: null,
  relayProtocol: null,
  dtlsState: null,
  tlsVersion: null,
  dtlsCipher: null,
  srtpCipher: null,
  dtlsRole: null,
  packetsSent: 0,
  packetsReceived: 0,
  packetsLost: 0,
  jitterMs: null,
  rttMs: null,
  rttSource: null,
  fractionLost: null,
  bytesReceived: 0,
  codec: null,
};

describe('reduceStats on recorded fixtures', () => {
  // chromium-*: recorded from real Chromium runs; firefox-udp: hand-converted (see its _comment).
  it.each(['chromium-udp', 'chromium-tcp', 'firefox-udp'])('%s reduces to its expected summary', (name) => {
    expect(reduceStats(fixture(name))).toEqual(load<MediaStatsSummary>(`${name}.expected.json`));
  });

  it('follows transport.selectedCandidatePairId even when another pair is also nominated', () => {
    const stats = fixture('chromium-udp');
    const nominated = stats.filter((s) => s.type === 'candidate-pair' && s.nominated === true);
    // The recording really has two nominated, succeeded pairs; only one of them carries the media.
    expect(nominated.length).toBeGreaterThan(1);
    expect(reduceStats(stats).remoteCandidateType).toBe('host');
  });

  it('falls back to the candidate pair RTT when there is no RTCP round trip yet', () => {
    const stats = fixture('chromium-tcp').filter((s) => s.type !== 'remote-inbound-rtp');
    const summary = reduceStats(stats);
    // The selected ICE-TCP pair in the recording has currentRoundTripTime 0.015 s.
    expect(summary.rttMs).toBe(15);
    expect(summary.rttSource).toBe('candidate-pair');
    expect(summary.fractionLost).toBeNull();
  });
});

describe('reduceStats on edge cases', () => {
  it('gives all-null and zero for an empty report', () => {
    expect(reduceStats([])).toEqual(EMPTY);
  });

  it('gives transport null when no pair is selected', () => {
    const stats = fixture('chromium-udp')
      .filter((s) => s.type !== 'transport')
      .map((s) => (s.type === 'candidate-pair' ? { ...s, nominated: false, state: 'in-progress' } : s));
    const summary = reduceStats(stats);
    expect(summary.transport).toBeNull();
    expect(summary.localCandidateType).toBeNull();
    expect(summary.remoteCandidateType).toBeNull();
    // Media counters do not depend on the pair.
    expect(summary.packetsReceived).toBe(205);
  });

  it('prefers Firefox-style selected: true over a nominated pair with more traffic', () => {
    const stats: Stat[] = [
      {
        id: 'p1',
        type: 'candidate-pair',
        localCandidateId: 'l1',
        remoteCandidateId: 'r1',
        selected: true,
        nominated: true,
        state: 'succeeded',
        bytesSent: 10,
        bytesReceived: 10,
      },
      {
        id: 'p2',
        type: 'candidate-pair',
        localCandidateId: 'l2',
        remoteCandidateId: 'r2',
        selected: false,
        nominated: true,
        state: 'succeeded',
        bytesSent: 9000,
        bytesReceived: 9000,
      },
      { id: 'l1', type: 'local-candidate', protocol: 'tcp', candidateType: 'host' },
      { id: 'r1', type: 'remote-candidate', protocol: 'tcp', candidateType: 'host' },
      { id: 'l2', type: 'local-candidate', protocol: 'udp', candidateType: 'srflx' },
      { id: 'r2', type: 'remote-candidate', protocol: 'udp', candidateType: 'host' },
    ];
    expect(reduceStats(stats)).toMatchObject({ transport: 'tcp', localCandidateType: 'host' });
  });

  it('uses the nominated, succeeded pair with the most traffic when nothing names the selected pair', () => {
    const stats: Stat[] = [
      {
        id: 'p1',
        type: 'candidate-pair',
        localCandidateId: 'l1',
        remoteCandidateId: 'r1',
        nominated: true,
        state: 'succeeded',
        bytesSent: 10,
        bytesReceived: 10,
      },
      {
        id: 'p2',
        type: 'candidate-pair',
        localCandidateId: 'l2',
        remoteCandidateId: 'r1',
        nominated: true,
        state: 'succeeded',
        bytesSent: 9000,
        bytesReceived: 9000,
        currentRoundTripTime: 0.04,
      },
      { id: 'l1', type: 'local-candidate', protocol: 'udp', candidateType: 'host' },
      { id: 'l2', type: 'local-candidate', protocol: 'udp', candidateType: 'srflx' },
      { id: 'r1', type: 'remote-candidate', protocol: 'udp', candidateType: 'host' },
    ];
    expect(reduceStats(stats)).toMatchObject({
      transport: 'udp',
      localCandidateType: 'srflx',
      rttMs: 40,
      rttSource: 'candidate-pair',
    });
  });

  it('reports the TURN leg for relay candidates: TLS to the TURN server is TCP', () => {
    const stats: Stat[] = [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'p', dtlsState: 'connected' },
      { id: 'p', type: 'candidate-pair', localCandidateId: 'l', remoteCandidateId: 'r' },
      // A relay candidate's `protocol` is the TURN server's allocation towards the peer, always UDP.
      { id: 'l', type: 'local-candidate', protocol: 'udp', candidateType: 'relay', relayProtocol: 'tls' },
      { id: 'r', type: 'remote-candidate', protocol: 'udp', candidateType: 'host' },
    ];
    expect(reduceStats(stats)).toMatchObject({
      transport: 'tcp',
      localCandidateType: 'relay',
      relayProtocol: 'tls',
      dtlsState: 'connected',
    });
  });

  it('ignores a zero or unmeasured RTCP round trip (Firefox has reported 0)', () => {
    const base: Stat[] = [
      {
        id: 'p',
        type: 'candidate-pair',
        localCandidateId: 'l',
        remoteCandidateId: 'r',
        selected: true,
        currentRoundTripTime: 0.02,
      },
    ];
    const zero = [...base, { id: 'ri', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0 }];
    const unmeasured = [
      ...base,
      {
        id: 'ri',
        type: 'remote-inbound-rtp',
        kind: 'audio',
        roundTripTime: 0.05,
        roundTripTimeMeasurements: 0,
      },
    ];
    for (const stats of [zero, unmeasured]) {
      expect(reduceStats(stats)).toMatchObject({ rttMs: 20, rttSource: 'candidate-pair' });
    }
  });

  it('ignores video streams and reads legacy mediaType-only audio stats', () => {
    const stats: Stat[] = [
      { id: 'v', type: 'inbound-rtp', kind: 'video', packetsReceived: 5000, packetsLost: 50, jitter: 0.5 },
      {
        id: 'a',
        type: 'inbound-rtp',
        mediaType: 'audio',
        packetsReceived: 95,
        packetsLost: 5,
        jitter: 0.012,
        bytesReceived: 7600,
        codecId: 'c',
      },
      { id: 'c', type: 'codec', mimeType: 'audio/PCMU' },
    ];
    expect(reduceStats(stats)).toMatchObject({
      packetsReceived: 95,
      packetsLost: 5,
      jitterMs: 12,
      bytesReceived: 7600,
      codec: 'pcmu',
    });
  });

  it('never reports negative loss (duplicates make RTP cumulative loss negative)', () => {
    const stats: Stat[] = [
      { id: 'a', type: 'inbound-rtp', kind: 'audio', packetsReceived: 102, packetsLost: -2 },
    ];
    expect(reduceStats(stats).packetsLost).toBe(0);
  });

  it('does not throw on malformed values', () => {
    const stats: Stat[] = [
      { id: 'T', type: 'transport', selectedCandidatePairId: 42, dtlsState: null },
      { id: 'a', type: 'inbound-rtp', kind: 'audio', packetsReceived: '7', jitter: Number.NaN },
      { type: 'candidate-pair' },
    ];
    expect(reduceStats(stats)).toEqual(EMPTY);
  });

  it("names the relay's port of the chosen pair (its media port), old drafts' portNumber too, never a bad one", () => {
    const withRemote = (remote: Stat): Stat[] => [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' },
      { id: 'L', type: 'local-candidate', candidateType: 'host', protocol: 'udp', port: 50000 },
      { id: 'R', type: 'remote-candidate', candidateType: 'host', ...remote },
    ];
    expect(reduceStats(withRemote({ port: 61003 })).remotePort).toBe(61003);
    expect(reduceStats(withRemote({ portNumber: 41003 })).remotePort).toBe(41003);
    for (const port of [0, 70000, 1.5, '41003', null]) {
      expect(reduceStats(withRemote({ port })).remotePort).toBeNull();
    }
  });

  it("names the IP version of the relay's address in the chosen pair: the family media crossed", () => {
    const withRemote = (remote: Stat): Stat[] => [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' },
      { id: 'L', type: 'local-candidate', candidateType: 'host', protocol: 'udp', port: 50000 },
      { id: 'R', type: 'remote-candidate', candidateType: 'host', port: 40000, ...remote },
    ];
    expect(reduceStats(withRemote({ address: 'fd00:113::10' })).addressFamily).toBe('IPv6');
    expect(reduceStats(withRemote({ address: '203.0.113.10' })).addressFamily).toBe('IPv4');
    expect(reduceStats(withRemote({ ip: '203.0.113.10' })).addressFamily).toBe('IPv4');
    expect(reduceStats(withRemote({ address: 'x.local' })).addressFamily).toBeNull();
    expect(reduceStats(withRemote({})).addressFamily).toBeNull();
  });
});

describe('lossPercent', () => {
  it('is the inbound loss on the echoed stream over what was expected', () => {
    // 5 lost of 95 + 5 = 100 expected -> 5 %
    expect(lossPercent({ packetsReceived: 95, packetsLost: 5 })).toBe(5);
    expect(lossPercent({ packetsReceived: 205, packetsLost: 0 })).toBe(0);
  });

  it('is null when nothing was expected yet', () => {
    expect(lossPercent({ packetsReceived: 0, packetsLost: 0 })).toBeNull();
  });

  it('is 0 for the recorded loopbacks', () => {
    for (const name of ['chromium-udp', 'chromium-tcp', 'firefox-udp']) {
      expect(lossPercent(reduceStats(fixture(name)))).toBe(0);
    }
  });
});

describe('describeTlsVersion', () => {
  it('names the wire version', () => {
    expect(describeTlsVersion('FEFD')).toBe('DTLS 1.2');
    expect(describeTlsVersion('fefc')).toBe('DTLS 1.3');
    expect(describeTlsVersion('ABCD')).toBe('ABCD');
    expect(describeTlsVersion(null)).toBeNull();
  });
});
