import { describe, expect, it } from 'vitest';
import {
  candidateFamily,
  keepsCandidate,
  sdpCandidates,
  sdpForFamily,
  udpFamilies,
} from '../../../src/checks/media/family-candidates.ts';

const V4 = 'candidate:1 1 udp 2130706431 203.0.113.10 41000 typ host';
const V6 = 'candidate:2 1 udp 2130706431 2001:db8:113::10 41000 typ host';
const TCP6 = 'candidate:3 1 tcp 1671430143 2001:db8:113::10 41000 typ host tcptype passive';
const TCP4 = 'candidate:4 1 tcp 1671430143 203.0.113.10 41000 typ host tcptype passive';
const ANSWER = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  ...[V4, V6, TCP4, TCP6].map((c) => `a=${c}`),
  'a=end-of-candidates',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  ...[V4, V6].map((c) => `a=${c}`),
  '',
].join('\r\n');

describe('the relay media candidates by IP version', () => {
  it('reads the family of a candidate, with or without a=, and none of an mDNS name', () => {
    expect(candidateFamily(V4)).toBe('IPv4');
    expect(candidateFamily(`a=${V6}`)).toBe('IPv6');
    expect(candidateFamily('candidate:5 1 udp 2130706431 4f1c-9a.local 50000 typ host')).toBeNull();
    expect(candidateFamily('')).toBeNull();
  });

  it('keeps every candidate when no family is asked for, else the UDP ones of that family only', () => {
    for (const c of [V4, V6, TCP4, TCP6]) expect(keepsCandidate(c, null)).toBe(true);
    expect([V4, V6, TCP4, TCP6].filter((c) => keepsCandidate(c, 'IPv6'))).toEqual([V6]);
    expect([V4, V6, TCP4, TCP6].filter((c) => keepsCandidate(c, 'IPv4'))).toEqual([V4]);
  });

  it('strips the answer down to one family in every media section, keeping every other line', () => {
    const six = sdpForFamily(ANSWER, 'IPv6');
    expect(sdpCandidates(six)).toEqual([V6, V6]);
    expect(six).toContain('a=end-of-candidates\r\nm=application');
    expect(six.split('\r\n').filter((l) => !l.startsWith('a=candidate'))).toEqual(
      ANSWER.split('\r\n').filter((l) => !l.startsWith('a=candidate')),
    );
    expect(sdpForFamily(ANSWER, null)).toBe(ANSWER);
  });

  it('says which families the relay offers UDP media on (ICE-TCP alone is not UDP)', () => {
    expect(udpFamilies(sdpCandidates(ANSWER))).toEqual(['IPv4', 'IPv6']);
    expect(udpFamilies([V4, TCP6])).toEqual(['IPv4']);
    expect(udpFamilies([V6])).toEqual(['IPv6']);
    expect(udpFamilies([])).toEqual([]);
  });
});
