import { describe, expect, it } from 'vitest';
import { pathChange, pathSeen, withPathChange } from '../../../src/checks/ports/path-change.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import type { NatReport } from '../../../src/protocol/report.ts';
import { passedCheck } from '../../fakes/report.ts';

const result = passedCheck;
const binding = (remoteAddress: string) => ({
  relayPort: 41000,
  providerPort: 40007,
  remoteAddress,
  remotePort: 5000,
});
const run = (https: string | null, udp: string | null): CheckResult[] => [
  result('relay-https', https ? { clientAddress: https } : {}),
  result('port-matrix', { nat: { relaySaw: udp ? [binding(udp)] : [] } }),
];
const NAT: NatReport = {
  natDetected: true,
  mapping: 'endpoint-independent',
  pathsDiffer: false,
  summary: 'This computer is behind NAT.',
  summaryMessage: { key: 'nat_behind', args: [] },
  portsCompared: 2,
};

describe('path change between runs', () => {
  it('reads the addresses the relay saw for HTTPS and UDP', () => {
    expect(pathSeen(run('::ffff:198.51.100.7', '198.51.100.7'))).toEqual({
      https: '198.51.100.7',
      udp: '198.51.100.7',
    });
    expect(pathSeen([])).toEqual({ https: null, udp: null });
  });

  it('names which traffic changed, and nothing when a side was not measured', () => {
    const a = { https: '198.51.100.7', udp: '198.51.100.7' };
    expect(pathChange(a, { https: '203.0.113.99', udp: '198.51.100.7' })).toBe('web');
    expect(pathChange(a, { https: '198.51.100.7', udp: '203.0.113.99' })).toBe('udp');
    expect(pathChange(a, { https: '203.0.113.99', udp: '203.0.113.99' })).toBe('both');
    expect(pathChange(a, a)).toBeNull();
    expect(pathChange(a, { https: null, udp: null })).toBeNull();
    // The browser reached the relay over IPv6 this time: another IP version, not another path.
    expect(pathChange(a, { https: '2001:db8:77::10', udp: '198.51.100.7' })).toBeNull();
  });

  it('says so in the NAT summary, in English and German, without the addresses', () => {
    const nat = withPathChange(NAT, run('203.0.113.99', '198.51.100.7'), run('198.51.100.7', '198.51.100.7'));
    expect(nat.pathChanged).toBe(true);
    expect(nat.summary).toBe(
      'This computer is behind NAT (a firewall/router translates its address). Since the last check, the address the relay sees for web traffic changed: unless this computer moved to another network, the path changes between runs (a VPN that connects and disconnects, or a split tunnel). Run the check once with the VPN on and once with it off, and compare.',
    );
    expect(nat.summary).not.toContain('203.0.113');
    expect(renderMessage(nat.summaryMessage ?? { key: 'common_unknown', args: [] }, LANGUAGES.de)).toContain(
      'Seit der letzten Prüfung hat sich die Adresse geändert, die das Relay für den Web-Datenverkehr sieht',
    );
  });

  it('is false when both runs saw the same path, null when nothing could be compared, absent without a run before', () => {
    expect(withPathChange(NAT, run('198.51.100.7', null), run('198.51.100.7', null)).pathChanged).toBe(false);
    expect(withPathChange(NAT, run(null, null), run('198.51.100.7', null)).pathChanged).toBeNull();
    expect(withPathChange(NAT, run('198.51.100.7', null), null)).toEqual(NAT);
  });
});
