/**
 * The lab with IPv6 (harness/lab-ipv6.ts): the relay's name has an A and an AAAA record, the relay listens
 * on both families for HTTPS and WSS (--host ::), for the probe ports (--probe-address6) and for media
 * (--media-address6). The check runs in the client namespace through the extension's own code (with the
 * lab's delay limits, as the other lab files: a loaded test machine must not read as a slow network), and the
 * command line's text output is read for the same words: the relay was reached over IPv6 and media measured
 * over both IP versions, and when the router drops IPv6 UDP while IPv4 passes, which Secure Voice UDP rows
 * are blocked over IPv6 only and that media over IPv6 carries no audio.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Report } from '../../src/protocol/report.ts';
import { LAB } from './harness/lab.ts';
import { LAB6 } from './harness/lab-ipv6.ts';
import { type LabSession, labCheck, READY_HEADLINE, RELAY_URL, useLab } from './harness/lab-session.ts';
import { ROOT } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';

const session = useLab({
  ipv6: true,
  hostAccess: true,
  relayArgs: [
    ...['--host', '::', '--media-address', LAB.wan.provider, '--probe-address', LAB.wan.provider],
    ...['--probe-address6', LAB6.wan.provider, '--media-address6', LAB6.wan.provider],
  ],
});

/** The command line's text output, as an administrator reads it, spaces folded. */
async function cliText(s: LabSession): Promise<string> {
  const out = await runCli(
    ['--relay', RELAY_URL, '--ca-cert', s.labCa.caFile],
    {},
    ROOT,
    s.lab.client.prefix,
  );
  expect(out.stderr).toBe('');
  return out.stdout.replace(/\s+/g, ' ');
}

/** The headline and every check that did not pass, as the failure message of a verdict assertion. */
const notPassing = (r: Report) =>
  [
    r.headline,
    ...r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.reason}: ${c.summary}`),
  ].join('\n');

const check = (r: Report, id: string) => r.checks.find((c) => c.id === id) as CheckResult;

interface OtherFamily {
  family: string;
  outcome: string;
  reason: string | null;
  step: string | null;
  media: { addressFamily: string; transport: string } | null;
  summary: string;
}

const IPV6_MEDIA_FAILS =
  "Over IPv6, no encrypted audio got through, while over IPv4 it did: phones and apps that prefer IPv6 would have no audio. Ask your IT administrator to allow UDP to the relay's media ports for IPv6 as well, with the same rules as for IPv4.";

interface Ipv6Data {
  address: string;
  outcome: string;
  blockedOnlyOverIpv6: string[];
  ports: Array<{ port: number; status: string }>;
}

describe('lab: IPv6', () => {
  it('reached over IPv6, media measured over both IP versions, UDP ports open over both: ready', async () => {
    const r = await labCheck(session);
    expect(r.verdict, notPassing(r)).toBe('ready');
    expect(r.headline).toBe(READY_HEADLINE);
    const https = check(r, 'relay-https');
    expect(https.data).toMatchObject({ clientAddress: LAB6.lan.client, addressFamily: 'IPv6' });
    expect(https.summary).toMatch(/^Relay reached over IPv6 with TLSv1\.3 in \d+ ms\.$/);
    // Media over both: whichever family the browser chose first, the other was sampled and carried audio.
    const media = check(r, 'secure-media');
    expect(media).toMatchObject({ status: 'pass', reason: 'ok' });
    const other = media.data.otherFamily as OtherFamily;
    expect(other).toMatchObject({ outcome: 'carried', media: { transport: 'udp' } });
    expect(new Set([r.media?.addressFamily, other.media?.addressFamily])).toEqual(new Set(['IPv4', 'IPv6']));
    expect(other.family).toBe(other.media?.addressFamily);
    expect(media.summary).toMatch(/made the round trip: UDP\/IPv[46], RTT /);
    expect(media.summary).toMatch(new RegExp(`Over ${other.family} as well: UDP/${other.family}, RTT \\d`));
    const ports = check(r, 'port-matrix');
    expect(ports).toMatchObject({ status: 'pass', reason: 'ok' });
    const ipv6 = ports.data.ipv6 as Ipv6Data;
    expect(ipv6).toMatchObject({ address: LAB6.wan.provider, outcome: 'measured', blockedOnlyOverIpv6: [] });
    expect(ipv6.ports.length).toBeGreaterThan(60);
    expect(ipv6.ports.every((p) => p.status === 'open')).toBe(true);
    expect(ports.summary).toMatch(/ The UDP ports are open over IPv6 as well\.$/);
    // Web over IPv6, UDP through the router's IPv4 NAT: two IP versions, not a split tunnel.
    expect(r.nat).toMatchObject({ natDetected: true, pathsDiffer: null });
    expect(r.nat?.summary).not.toMatch(/split tunnel/);
  });

  it('the router drops IPv6 UDP, IPv4 passes: degraded, naming the rows blocked and media failing over IPv6 only', async () => {
    await session.lab6?.forward6(['-i', 'lan0', '-p', 'udp', '-j', 'DROP']);
    const r = await labCheck(session);
    expect(r.verdict, notPassing(r)).toBe('degraded');
    const blockedRows =
      'Over IPv6, blocked while open over IPv4: UDP 40000-49999 (Desk phones media Secure Voice). Phones and apps that use IPv6 would fail there: ask your IT administrator to open the same ports for IPv6.';
    const ports = check(r, 'port-matrix');
    expect(ports).toMatchObject({ status: 'warn', reason: 'ipv6-ports-blocked', step: 'ice' });
    expect(ports.summary).toMatch(/^Over IPv4, all \d+ probed ports of the Desk phone profile are open\. /);
    expect(ports.summary.slice(ports.summary.indexOf(' Over IPv6') + 1)).toBe(blockedRows);
    // Media crossed IPv4; the second sample, over IPv6, found no path: the first warning, so the headline's.
    const media = check(r, 'secure-media');
    expect(media).toMatchObject({ status: 'warn', reason: 'ipv6-media-fails', step: 'ice' });
    expect(r.media?.addressFamily).toBe('IPv4');
    expect(media.data.otherFamily).toMatchObject({
      family: 'IPv6',
      outcome: 'fails',
      reason: 'ice-failed',
      step: 'ice',
      media: null,
    });
    expect(media.summary).toMatch(/made the round trip: UDP\/IPv4, RTT /);
    expect(media.summary.endsWith(` ${IPV6_MEDIA_FAILS}`)).toBe(true);
    expect(r.headline).toBe(
      `Calls may have problems: Secure media (DTLS-SRTP audio loopback). ${media.summary}`,
    );
    const ipv6 = ports.data.ipv6 as Ipv6Data;
    expect(ipv6.outcome).toBe('measured');
    expect(ipv6.blockedOnlyOverIpv6).toContain('desk-phone-srtp');
    expect(ipv6.ports.every((p) => p.status === 'blocked')).toBe(true);
    // IPv4 is untouched: every IPv4 row open, media over IPv4; HTTPS (TCP) still over IPv6.
    expect(r.ports.filter((p) => p.status !== 'open' && p.status !== 'not-testable')).toEqual([]);
    expect(check(r, 'relay-https').data.addressFamily).toBe('IPv6');

    // What an administrator reads in the command line's text output.
    const text = await cliText(session);
    expect(text).toMatch(/Relay reached over IPv6 with TLSv1\.3 in \d+ ms\./);
    expect(text).toMatch(/made the round trip: UDP\/IPv4, RTT/);
    expect(text).toContain(blockedRows);
    expect(text).toContain(IPV6_MEDIA_FAILS);
  });
});
