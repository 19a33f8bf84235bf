import { describe, expect, it } from 'vitest';
import { countSdpCandidates, stripCandidates } from '../../../src/relay/core/candidates.ts';

describe('candidate lines', () => {
  it('counts them, and strips every one with end-of-candidates, keeping the rest', () => {
    const sdp = [
      'v=0',
      'a=candidate:1 1 udp 1 192.0.2.1 1 typ host',
      'a=candidate:2 1 udp 1 x.local 2 typ host',
      'a=end-of-candidates',
      'a=mid:0',
      '',
    ].join('\r\n');
    expect(countSdpCandidates(sdp)).toBe(2);
    expect(stripCandidates(sdp)).toBe(['v=0', 'a=mid:0', ''].join('\r\n'));
  });

  it('leaves an SDP without candidates untouched, and takes bare \\n line ends', () => {
    const sdp = ['v=0', 'a=mid:0', ''].join('\n');
    expect(stripCandidates(sdp)).toBe(sdp);
    expect(stripCandidates('v=0\na=candidate:1 1 udp 1 192.0.2.1 1 typ host')).toBe('v=0\n');
  });
});
