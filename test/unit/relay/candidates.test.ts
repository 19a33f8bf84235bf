import { describe, expect, it } from 'vitest';
import { countSdpCandidates, dropNamedCandidates, hasIpAddress } from '../../../src/relay/core/candidates.ts';

describe('candidate filtering', () => {
  it.each([
    ['candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host', true],
    ['a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host', true],
    ['candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active', true],
    ['candidate:3 1 udp 2122262783 2001:db8::1 50001 typ host', true],
    ['candidate:4 1 udp 2122260223 4a1b2c3d-0000-1111-2222-333344445555.local 50000 typ host', false],
    ['candidate:5 1 udp 1686052607 relay.example.com 3478 typ srflx', false],
    ['candidate:6 1 udp 2122260223 999.1.1.1 50000 typ host', false],
    ['garbage', false],
  ])('%s has an IP address: %s', (c, ok) => {
    expect(hasIpAddress(c)).toBe(ok);
  });

  it('counts and drops named candidate lines, and then the end-of-candidates line, keeping the rest', () => {
    const sdp = [
      'v=0',
      'a=candidate:1 1 udp 1 192.0.2.1 1 typ host',
      'a=candidate:2 1 udp 1 x.local 2 typ host',
      'a=end-of-candidates',
      '',
    ].join('\r\n');
    expect(countSdpCandidates(sdp)).toBe(2);
    expect(dropNamedCandidates(sdp)).toEqual({
      sdp: ['v=0', 'a=candidate:1 1 udp 1 192.0.2.1 1 typ host', ''].join('\r\n'),
      dropped: 1,
    });
  });

  it('leaves an SDP of IP candidates untouched, end-of-candidates included', () => {
    const sdp = ['v=0', 'a=candidate:1 1 udp 1 192.0.2.1 1 typ host', 'a=end-of-candidates', ''].join('\n');
    expect(dropNamedCandidates(sdp)).toEqual({ sdp, dropped: 0 });
  });
});
