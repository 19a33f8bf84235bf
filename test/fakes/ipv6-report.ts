import { remediation, rollUpRows } from '../../src/checks/ports/rollup.ts';
import type { PortStatus } from '../../src/checks/ports/types.ts';
import { profileById } from '../../src/profiles/index.ts';
import type { Report } from '../../src/protocol/report.ts';
import { deskPorts, report } from './report.ts';

/** The relay's IPv6 probe address in these reports (documentation prefix). */
export const RELAY_ADDRESS6 = '2001:db8:113::10';

/**
 * A degraded report as the port check writes it on a dual-stack network whose firewall drops IPv6 UDP to
 * the desk phones' SRTP range (`ipv6`, the status of every UDP port over IPv6) while IPv4 is open, or, with
 * outcome 'no-ipv6-path', of a computer that reached the relay over IPv6 in no way.
 */
export function ipv6Report(
  ipv6: (port: number) => PortStatus = (p) => (p >= 40000 && p <= 49999 ? 'blocked' : 'open'),
  outcome: 'measured' | 'no-ipv6-path' = 'measured',
): Report {
  const desk = profileById('desk-phone');
  if (!desk) throw new Error('desk-phone profile missing');
  const ports = deskPorts(() => 'open');
  const rows = rollUpRows(desk, ports);
  const udp = deskPorts((t, p) => (t === 'udp' ? ipv6(p) : 'open')).filter((p) => p.transport === 'udp');
  // The port check keeps fewer fields of each row; the report reads only those.
  const rows6 = rollUpRows(desk, udp).filter((r) => r.transport === 'udp' && r.status !== 'not-testable');
  const blocked = rows6.filter((r) => r.secureVoice && r.status !== 'open').map((r) => r.row);
  const base = report();
  return {
    ...base,
    runId: 'run-ipv6',
    verdict: outcome === 'measured' && blocked.length > 0 ? 'degraded' : 'ready',
    headline: 'Calls may have problems: Firewall: the provider ports.',
    checks: [
      ...base.checks,
      {
        id: 'port-matrix',
        title: "Firewall: the provider's ports",
        status: blocked.length > 0 ? 'warn' : 'pass',
        reason: blocked.length > 0 ? 'ipv6-ports-blocked' : 'ok',
        step: 'ice',
        summary: 'Over IPv4, all probed ports of the Desk phone profile are open.',
        durationMs: 3100,
        data: {
          profile: 'desk-phone',
          ports,
          rows,
          remediation: remediation(rows),
          ipv6: {
            address: RELAY_ADDRESS6,
            outcome,
            ports: [...new Map(udp.map((p) => [p.port, { port: p.port, status: p.status }])).values()],
            rows: rows6,
            blockedOnlyOverIpv6: outcome === 'measured' ? blocked : [],
          },
        },
      },
    ],
    ports,
  };
}
