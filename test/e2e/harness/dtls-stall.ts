/**
 * A path that drops large UDP datagrams from the relay (a small MTU, broken fragmentation), and what a user
 * must then read, in either browser: ICE's small packets and the relay's HelloVerifyRequest get through, its
 * certificate flight does not, so DTLS stalls after the relay's first answer reached the browser.
 */
import { expect } from 'vitest';
import type { Report } from '../../../src/protocol/report.ts';
import { type Netns, RULES_IN } from './netns.ts';

/** Drops UDP from `sourcePorts` ('35000:35099') of the host longer than 300 bytes on its way into `ns`. */
export async function dropLargeUdpFrom(ns: Netns, sourcePorts: string): Promise<void> {
  await ns.iptables([
    '-A',
    RULES_IN,
    '-p',
    'udp',
    '-s',
    ns.hostAddress,
    '--sport',
    sourcePorts,
    '-m',
    'length',
    '--length',
    '300:65535',
    '-j',
    'DROP',
  ]);
}

/** The media check of `r` names lost or dropped large packets on the way back, not a firewall blocking DTLS. */
export function expectDtlsStalledOnTheWayBack(r: Report, browser: string): void {
  const check = r.checks.find((c) => c.id === 'secure-media');
  expect(check, check?.summary).toMatchObject({ status: 'fail', reason: 'dtls-failed', step: 'dtls' });
  console.info(
    `${browser}, DTLS stalled on large datagrams: ${check?.summary} The relay saw ${JSON.stringify(check?.data.relayDtls)}`,
  );
  expect(check?.summary).toMatch(
    /^The media path to .+ opened and the relay's first DTLS answer reached this computer, but the DTLS handshake that sets up SRTP encryption did not finish \((DTLS \w+ within 8 s|the relay stopped waiting for it)\)\. DTLS is not simply blocked, since its first answer got through: packets from the relay are being lost on the way back, large UDP packets are dropped \(a small MTU or broken fragmentation\), or a device drops the rest of the handshake\. Ask your IT administrator to check the link for packet loss, to allow UDP fragments and fix MTU problems on the path, and to look for a device that alters or truncates UDP\.$/,
  );
  // What the relay's DTLS saw: the browser returned its cookie, its certificate flight never got through.
  const seen = check?.data.relayDtls as { serverFlights: number } | undefined;
  expect(seen).toMatchObject({ cookieReturned: true, clientKeyExchange: false });
  expect(seen?.serverFlights).toBeGreaterThanOrEqual(1);
  expect(r.verdict).toBe('blocked');
}
