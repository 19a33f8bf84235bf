import { describe, expect, it } from 'vitest';
import { probeAnswerSdp } from '../../../src/checks/ports/ice-probe.ts';

describe('probeAnswerSdp', () => {
  it('describes the relay as an ICE-lite peer at each probe port with the session credentials', () => {
    const sdp = probeAnswerSdp(
      'v=0\r\na=mid:7\r\n',
      [
        { address: '10.0.0.1', relayPort: 15000, providerPort: 40000 },
        { address: '10.0.0.1', relayPort: 15001, providerPort: 44999 },
      ],
      {
        ufrag: 'abcd1234',
        pwd: 'p'.repeat(24),
      },
    );
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
