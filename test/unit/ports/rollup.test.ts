import { describe, expect, it } from 'vitest';
import {
  formatRanges,
  profileStatus,
  remediation,
  remediationText,
  rollUpRows,
} from '../../../src/checks/ports/rollup.ts';
import type { PortResult, PortStatus } from '../../../src/checks/ports/types.ts';
import { probeTargets, profileById } from '../../../src/profiles/index.ts';

const desk = profileById('desk-phone');
if (!desk) throw new Error('desk-phone profile missing');

/** Port results for every probe target of the desk phone profile, with chosen statuses per port. */
function results(statusFor: (transport: string, port: number) => PortStatus): PortResult[] {
  return probeTargets(desk as NonNullable<typeof desk>).flatMap((t) =>
    t.rowIds.map((row) => ({
      profile: 'desk-phone',
      row,
      protocol: '',
      transport: t.transport,
      port: t.port,
      status: statusFor(t.transport, t.port),
      reason: '',
      ms: 10,
    })),
  );
}

describe('rollUpRows', () => {
  it('marks every testable row open on an open network, and untestable rows with their reason', () => {
    const rows = rollUpRows(
      desk,
      results(() => 'open'),
    );
    expect(profileStatus(rows)).toBe('open');
    expect(rows.filter((r) => r.status === 'not-testable').map((r) => r.protocol)).toContain('NTP/UDP');
    expect(remediation(rows)).toEqual([]);
    expect(remediationText([])).toMatch(/No firewall changes/);
  });

  it('names exactly the rows whose ports were blocked: UDP 40000-49999 dropped', () => {
    const rows = rollUpRows(
      desk,
      results((tr, p) => (tr === 'udp' && p >= 40000 && p <= 49999 ? 'blocked' : 'open')),
    );
    const bad = rows.filter((r) => r.status === 'blocked' || r.status === 'partial');
    expect(bad.map((r) => r.purpose)).toEqual(['Desk phones media Secure Voice']);
    expect(remediation(rows)).toEqual([
      {
        direction: 'outbound',
        protocol: 'UDP',
        ports: '40000-49999',
        purpose: 'Desk phones media Secure Voice',
      },
    ]);
    expect(profileStatus(rows)).toBe('partial');
  });

  it('asks to open only the listed ports that failed: TCP 80 of provisioning "80, 443"', () => {
    const rows = rollUpRows(
      desk,
      results((tr, p) => (tr === 'tcp' && p === 80 ? 'refused' : 'open')),
    );
    expect(rows.find((r) => r.row === 'desk-phone-provisioning-https')).toMatchObject({
      status: 'partial',
      ports: '80, 443',
      failedPorts: '80',
    });
    expect(remediation(rows).map((l) => `${l.protocol} ${l.ports}`)).toEqual(['TCP 80']);
  });

  it('calls a row partial when only some of its sampled ports are blocked', () => {
    const rows = rollUpRows(
      desk,
      results((tr, p) => (tr === 'udp' && p === 49999 ? 'blocked' : 'open')),
    );
    expect(rows.find((r) => r.purpose === 'Desk phones media Secure Voice')?.status).toBe('partial');
  });

  it('does not blame the firewall for ports the relay could not listen on', () => {
    const rows = rollUpRows(
      desk,
      results((tr) => (tr === 'tcp' ? 'relay-unavailable' : 'open')),
    );
    expect(
      rows
        .filter((r) => r.transport === 'tcp' && r.status !== 'not-testable')
        .every((r) => r.status === 'unknown'),
    ).toBe(true);
    expect(remediation(rows)).toEqual([]);
  });

  it('formats a remediation list an administrator can paste', () => {
    const text = remediationText([
      {
        direction: 'outbound',
        protocol: 'TCP',
        ports: '5096',
        purpose: 'Desk phones signaling Secure Voice',
      },
    ]);
    expect(text).toBe(
      'Please allow the following outbound traffic to the provider:\n- outbound TCP to destination port(s) 5096: Desk phones signaling Secure Voice',
    );
  });

  it('formats port ranges as the seed writes them', () => {
    expect(
      formatRanges([
        { from: 80, to: 80 },
        { from: 443, to: 443 },
      ]),
    ).toBe('80, 443');
    expect(formatRanges([{ from: 40000, to: 49999 }])).toBe('40000-49999');
  });
});
