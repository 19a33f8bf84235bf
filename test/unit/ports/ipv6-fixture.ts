/** A relay probe session on both IP versions, and the desk phone's ports all open over IPv4. */
import type { ProbeSessionInfo } from '../../../src/checks/ports/probe-session.ts';
import { rollUpRows } from '../../../src/checks/ports/rollup.ts';
import type { PortResult } from '../../../src/checks/ports/types.ts';
import { profileById } from '../../../src/profiles/index.ts';
import { probeTargets } from '../../../src/profiles/sample-ports.ts';

const found = profileById('desk-phone');
if (!found) throw new Error('no desk-phone profile');
export const profile = found;
export const targets = probeTargets(profile, null, () => 0.5);
const udp = targets.filter((t) => t.transport === 'udp');

export const info = (over: Partial<ProbeSessionInfo> = {}): ProbeSessionInfo => ({
  type: 'probe-session',
  ufrag: 'abcd',
  pwd: 'p'.repeat(22),
  expiresInS: 30,
  address: '203.0.113.10',
  address6: '2001:db8:113::10',
  unbound6: [],
  tcp: [],
  udp: udp.map((t) => ({ providerPort: t.port, relayPort: t.port })),
  unbound: [],
  clientAddress: '2001:db8:77::10',
  ...over,
});

/** IPv4 found every port open. */
export const ipv4Rows = rollUpRows(
  profile,
  targets.flatMap((t) =>
    t.rowIds.map(
      (row): PortResult => ({
        profile: profile.id,
        row,
        protocol: '',
        transport: t.transport,
        port: t.port,
        status: 'open',
        reason: 'ok',
        ms: 1,
      }),
    ),
  ),
);
