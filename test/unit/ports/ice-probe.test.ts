import { describe, expect, it } from 'vitest';
import { probeAnswerSdp, runIceProbes } from '../../../src/checks/ports/ice-probe.ts';

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

describe('runIceProbes local addresses', () => {
  /** A peer connection that gathers the given host candidates and connects at once. */
  const gathering = (addresses: string[]) =>
    class {
      iceConnectionState = 'new';
      localDescription: { sdp: string } | null = null;
      onicecandidate: ((e: { candidate: { type: string; address: string } | null }) => void) | null = null;
      createDataChannel() {}
      async createOffer() {
        return { type: 'offer', sdp: 'a=mid:0' };
      }
      async setLocalDescription(d: { sdp: string }) {
        this.localDescription = d;
        for (const address of addresses) this.onicecandidate?.({ candidate: { type: 'host', address } });
      }
      async setRemoteDescription() {
        this.iceConnectionState = 'connected';
      }
      close() {}
    } as unknown as typeof RTCPeerConnection;

  it('leaves out host candidates hidden behind mDNS names, which the NAT check cannot compare', async () => {
    const batch = await runIceProbes(
      gathering(['0a1b2c3d-0000-4000-8000-000000000000.local', '10.0.0.2']),
      [{ address: '10.0.0.1', relayPort: 30000, providerPort: 40000 }],
      { ufrag: 'abcdefgh', pwd: 'p'.repeat(24) },
      1000,
      () => Date.now(),
    );
    expect(batch.results[0]?.status).toBe('open');
    expect(batch.localAddresses).toEqual(['10.0.0.2']);
  });
});
