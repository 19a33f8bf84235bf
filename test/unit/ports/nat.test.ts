import { describe, expect, it } from 'vitest';
import { classifyNat } from '../../../src/checks/ports/nat.ts';

const b = (relayPort: number, remoteAddress: string, remotePort: number) => ({
  relayPort,
  providerPort: relayPort,
  remoteAddress,
  remotePort,
});

describe('classifyNat', () => {
  it('endpoint-independent: the same mapping seen at two relay ports', () => {
    const r = classifyNat([b(40000, '203.0.113.5', 51000), b(44999, '203.0.113.5', 51000)], '203.0.113.5', [
      '192.168.1.20',
    ]);
    expect(r).toMatchObject({ natDetected: true, mapping: 'endpoint-independent', pathsDiffer: false });
  });

  it('symmetric: a different mapping per destination, and says what to conclude: calls through the provider work', () => {
    const r = classifyNat([b(40000, '203.0.113.5', 51000), b(44999, '203.0.113.5', 51007)], '203.0.113.5', [
      '10.0.0.2',
    ]);
    expect(r.mapping).toBe('symmetric');
    expect(r.summary).toMatch(
      /does not stop calls through the provider.*Only direct device-to-device media would need a relay \(TURN\)/,
    );
  });

  it('different public addresses over HTTPS and UDP: a split tunnel or proxy', () => {
    const r = classifyNat([b(40000, '198.51.100.7', 51000)], '203.0.113.5', ['10.0.0.2']);
    expect(r.pathsDiffer).toBe(true);
    expect(r.summary).toMatch(/a VPN or split tunnel is likely .*run the check again with the VPN off/);
  });

  it('web over IPv6 and UDP through the IPv4 NAT (a dual-stack network): no second path, nothing to compare', () => {
    const r = classifyNat([b(40000, '203.0.113.1', 51000)], '2001:db8:77::10', ['192.168.77.10']);
    expect(r.pathsDiffer).toBeNull();
    expect(r.summary).not.toMatch(/split tunnel/);
    // An IPv4-mapped web address is IPv4, and is compared.
    expect(classifyNat([b(40000, '198.51.100.7', 51000)], '::ffff:203.0.113.5', []).pathsDiffer).toBe(true);
  });

  it("no NAT when the relay sees one of the browser's own addresses", () => {
    const r = classifyNat([b(40000, '::ffff:127.0.0.1', 5000), b(40001, '127.0.0.1', 5000)], '127.0.0.1', [
      '127.0.0.1',
    ]);
    expect(r).toMatchObject({ natDetected: false, mapping: 'endpoint-independent', pathsDiffer: false });
  });

  it('does not call UDP NAT-ed when the only local addresses are mDNS names (Firefox hides them)', () => {
    const r = classifyNat([b(40000, '10.0.0.2', 5000), b(40001, '10.0.0.2', 5000)], '10.0.0.2', [
      '4d0f9a4e-1f4b-4c8e-9a39-0d2c2b7d1a11.local',
    ]);
    expect(r.natDetected).toBeNull();
    expect(r.summary).not.toMatch(/behind NAT/);
    expect(r.mapping).toBe('endpoint-independent');
  });

  it('classifies by the real addresses when mDNS names come with them', () => {
    const r = classifyNat([b(40000, '10.0.0.2', 5000)], '10.0.0.2', [
      '4d0f9a4e-1f4b-4c8e-9a39-0d2c2b7d1a11.local',
      '10.0.0.2',
    ]);
    expect(r.natDetected).toBe(false);
  });

  it('unknown with fewer than two answers', () => {
    expect(classifyNat([], null, []).mapping).toBe('unknown');
  });
});

describe('classifyNat on a multi-homed machine without NAT', () => {
  it('does not call two of its own addresses a split tunnel', () => {
    const r = classifyNat([b(1, '192.0.2.2', 5000), b(2, '192.0.2.2', 5000)], '127.0.0.1', [
      '192.0.2.2',
      '127.0.0.1',
    ]);
    expect(r).toMatchObject({ natDetected: false, pathsDiffer: false });
    expect(r.summary).toBe('No NAT between this computer and the relay.');
  });
});
