/**
 * The IPv6 lab (harness/lab-ipv6.ts) with Firefox ESR: the popup in the client namespace (harness/
 * lab-firefox.ts), one lab for both scenarios. Open over both IP versions first (ready, and Firefox reached
 * the relay over IPv6), then the router drops IPv6 UDP while IPv4 passes: the verdict, the port check's
 * cause and step, and the words the popup shows.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Report } from '../../src/protocol/report.ts';
import { useLabFirefox, viaFirefoxPopup } from './harness/lab-firefox.ts';
import { relayArgsIpv6Ports } from './harness/lab-ipv6.ts';
import { READY_HEADLINE, useLab } from './harness/lab-session.ts';

const session = useLab({
  ipv6: true,
  hostAccess: true,
  relayArgs: relayArgsIpv6Ports(),
});
const held = useLabFirefox(session);

const check = (r: Report, id: string) => r.checks.find((c) => c.id === id) as CheckResult;

/** The headline and every check that did not pass, as the failure message of a verdict assertion. */
const notPassing = (r: Report) =>
  [
    r.headline,
    ...r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.reason}: ${c.summary}`),
    JSON.stringify(check(r, 'port-matrix')?.data.ipv6 ?? null),
  ].join('\n');

interface Ipv6Data {
  outcome: string;
  blockedOnlyOverIpv6: string[];
  ports: Array<{ port: number; status: string }>;
}

describe('lab: IPv6 in Firefox ESR', () => {
  it('open over both IP versions: ready, reached over IPv6, UDP probed over IPv6 and open', async () => {
    const { shown, report } = await viaFirefoxPopup(held.firefox);
    expect(report.verdict, notPassing(report)).toBe('ready');
    expect(shown).toBe(READY_HEADLINE);
    expect(check(report, 'relay-https').summary).toMatch(
      /^Relay reached over IPv6 with TLSv1\.3 in \d+ ms\.$/,
    );
    const ipv6 = check(report, 'port-matrix').data.ipv6 as Ipv6Data;
    expect(ipv6).toMatchObject({ outcome: 'measured', blockedOnlyOverIpv6: [] });
    expect(ipv6.ports.every((p) => p.status === 'open')).toBe(true);
  });

  it('the router drops IPv6 UDP, IPv4 passes: degraded, ipv6-ports-blocked at ICE, in the words the popup shows', async () => {
    await session.lab6?.forward6(['-i', 'lan0', '-p', 'udp', '-j', 'DROP']);
    const { shown, report } = await viaFirefoxPopup(held.firefox);
    expect(report.verdict, notPassing(report)).toBe('degraded');
    const ports = check(report, 'port-matrix');
    expect(ports).toMatchObject({ status: 'warn', reason: 'ipv6-ports-blocked', step: 'ice' });
    expect(ports.summary).toMatch(/^Over IPv4, all \d+ probed ports of the Desk phone profile are open\. /);
    expect(ports.summary).toMatch(
      / Over IPv6, blocked while open over IPv4: UDP 40000-49999 \(Desk phones media Secure Voice\)\. Phones and apps that use IPv6 would fail there: ask your IT administrator to open the same ports for IPv6\.$/,
    );
    expect(shown).toBe(`Calls may have problems: Firewall: the provider's ports. ${ports.summary}`);
    const ipv6 = ports.data.ipv6 as Ipv6Data;
    expect(ipv6.blockedOnlyOverIpv6).toContain('desk-phone-srtp');
    expect(ipv6.ports.every((p) => p.status === 'blocked')).toBe(true);
    // IPv4 untouched: media passes over IPv4.
    expect(check(report, 'secure-media').status).toBe('pass');
    expect(report.media?.addressFamily).toBe('IPv4');
  });
});
