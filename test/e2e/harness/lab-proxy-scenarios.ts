/**
 * The office-proxy scenarios (issue 19) that every browser runs, through the command line and the popup:
 * the proxy allowing CONNECT to 443 only with direct traffic dropped, the same with UDP allowed directly,
 * and a proxy allowing CONNECT to any port. Phones and the provider's apps do not use such a proxy: each
 * scenario expects the proxy named, the headline saying the Secure Voice ports must be open directly, a port
 * reached only through the proxy never open and one the proxy refused "blocked by the proxy (direct access
 * not tested)" and in the remediation list. What differs between browsers is only how the proxy is named:
 * Firefox says which proxy it used (host and port), Chromium only the address it connected to.
 */
import { expect } from 'vitest';
import type { Report } from '../../../src/protocol/report.ts';
import type { Lab } from './lab.ts';
import { LAB_PROXY_URL } from './lab-proxy-service.ts';
import { type Expected, expectOutcome, type LabSession, RELAY_URL } from './lab-session.ts';
import { ROOT } from './relay-process.ts';
import { runCli } from './run-cli.ts';

/** Direct traffic from the office LAN dropped at the router, but what `also` lets through first. */
export const dropDirect =
  (...also: string[][]) =>
  async (lab: Lab): Promise<void> => {
    for (const rule of also) await lab.forward(['-i', 'lan0', ...rule, '-j', 'RETURN']);
    await lab.forward(['-i', 'lan0', '-j', 'DROP']);
  };

/** TCP through a proxy that allows only 443: 443 answered through it, the proxy refused the others. */
const connect443 = (p: number) => (p === 443 ? 'via-proxy' : 'proxy-blocked');

/**
 * What the desk phone profile shows behind the proxy at CONNECT to 443 only with direct traffic dropped:
 * every TCP row blocked by the proxy (443 only through it), the UDP rows blocked directly.
 */
export const CONNECT_443_ONLY = {
  rows: {
    'desk-phone-sip-tcp': 'blocked',
    'desk-phone-rtp': 'blocked',
    'desk-phone-sip-tls': 'blocked',
    'desk-phone-srtp': 'blocked',
    'desk-phone-provisioning-https': 'blocked',
    'desk-phone-presence-sip-tcp': 'blocked',
  },
  port: (t: 'tcp' | 'udp', p: number) => (t === 'udp' ? 'blocked' : connect443(p)),
  remediation: ['TCP 5090', 'UDP 20000-39999', 'TCP 5096', 'UDP 40000-49999', 'TCP 80', 'TCP 5090'],
} as const;

const phones = (proxy: string) =>
  `Blocked: your browser reaches the relay through a proxy (${proxy}), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly.`;
const SIGNALING_AT_PROXY =
  'Blocked by the proxy (direct access not tested): TCP 5096 (Desk phones signaling Secure Voice).';
const SRTP_BLOCKED = 'Blocked: UDP 40000-49999 (Desk phones media Secure Voice).';
const GIVE = 'Give your IT administrator the remediation list.';

/** How the browser recognised the proxy, by scenario, where it does not name it itself (Chromium). */
export type ProxyEvidence = 'proxy-refused' | 'other-address' | 'browser-proxy-info';

export interface ProxyScenario {
  name: string;
  setup: (s: LabSession) => Promise<void>;
  expect: Expected;
  /** The evidence when the browser names no proxy: Firefox always names it ('browser-proxy-info'). */
  evidence: ProxyEvidence;
  /** Ports the proxy must have been asked for, and whether it allowed them. */
  connects: Array<[number, boolean]>;
  also?: (r: Report) => void;
}

function rowDetail(r: Report, row: string): string | undefined {
  const rows = r.checks.find((c) => c.id === 'port-matrix')?.data.rows as Array<{
    row: string;
    detail: string;
  }>;
  return rows.find((x) => x.row === row)?.detail;
}

/** The scenarios, with the proxy as the browser names it: "192.168.77.1" or "192.168.77.1:3128". */
export function proxyScenarios(proxy: string): ProxyScenario[] {
  const PHONES = phones(proxy);
  return [
    {
      name: 'CONNECT to 443 only, direct traffic dropped: blocked, signaling blocked by the proxy, UDP blocked',
      setup: (s) => dropDirect()(s.lab),
      evidence: 'proxy-refused',
      connects: [
        [443, true],
        [5096, false],
        [5090, false],
        [80, false],
      ],
      expect: {
        verdict: 'blocked',
        headline: `${PHONES} ${SIGNALING_AT_PROXY} ${SRTP_BLOCKED} ${GIVE}`,
        ...CONNECT_443_ONLY,
        rows: { ...CONNECT_443_ONLY.rows },
        remediation: [...CONNECT_443_ONLY.remediation],
      },
      also: (r) => {
        expect(r.checks.find((c) => c.id === 'secure-media')?.status).toBe('fail');
        expect(rowDetail(r, 'desk-phone-sip-tls')).toBe(
          '5096 blocked by the proxy (direct access not tested)',
        );
      },
    },
    {
      name: 'the same proxy, UDP allowed directly: media over UDP works, TCP ports only through the proxy',
      setup: (s) => dropDirect(['-p', 'udp'])(s.lab),
      evidence: 'proxy-refused',
      connects: [
        [443, true],
        [5096, false],
      ],
      expect: {
        verdict: 'blocked',
        headline: `${PHONES} ${SIGNALING_AT_PROXY} ${GIVE}`,
        rows: {
          'desk-phone-sip-tcp': 'blocked',
          'desk-phone-sip-tls': 'blocked',
          'desk-phone-provisioning-https': 'blocked',
          'desk-phone-presence-sip-tcp': 'blocked',
        },
        port: (t, p) => (t === 'udp' ? 'open' : connect443(p)),
        remediation: ['TCP 5090', 'TCP 5096', 'TCP 80', 'TCP 5090'],
      },
      also: (r) => expect(r.media?.transport).toBe('udp'),
    },
    {
      name: 'a proxy that allows CONNECT to any port: every TCP row reached only through it (not open), UDP blocked',
      setup: async (s) => {
        await s.proxy?.allow('any');
        await dropDirect()(s.lab);
      },
      evidence: 'other-address',
      connects: [
        [443, true],
        [5096, true],
        [5090, true],
        [80, true],
      ],
      expect: {
        verdict: 'blocked',
        headline: `${PHONES} ${SRTP_BLOCKED} ${GIVE}`,
        rows: {
          'desk-phone-sip-tcp': 'unknown',
          'desk-phone-rtp': 'blocked',
          'desk-phone-sip-tls': 'unknown',
          'desk-phone-srtp': 'blocked',
          'desk-phone-provisioning-https': 'unknown',
          'desk-phone-presence-sip-tcp': 'unknown',
        },
        port: (t) => (t === 'udp' ? 'blocked' : 'via-proxy'),
        remediation: ['UDP 20000-39999', 'UDP 40000-49999'],
      },
      also: (r) =>
        expect(rowDetail(r, 'desk-phone-sip-tls')).toBe(
          '5096 reached only through the proxy (direct access not tested)',
        ),
    },
  ];
}

/** The proxy the lab's router runs, as the report must name it and what it was asked. */
export function expectProxyScenario(
  r: Report,
  s: ProxyScenario,
  named: { proxy: string; evidence: ProxyEvidence },
): void {
  expectOutcome(r, s.expect);
  expect(r.proxy).toMatchObject(named);
  s.also?.(r);
}

/** The CONNECTs the proxy read since `from` include every one the scenario expects. */
export function expectConnects(session: LabSession, s: ProxyScenario, from: number): void {
  const asked = session.proxy?.connects.slice(from) ?? [];
  for (const [port, allowed] of s.connects) expect(asked).toContainEqual({ port, allowed });
}

/** The command line in the client namespace, with the proxy from the environment (https_proxy). */
export async function proxyCli(s: LabSession, browser: 'chromium' | 'firefox'): Promise<Report> {
  const out = await runCli(
    ['--json', '--browser', browser, '--relay', RELAY_URL, '--ca-cert', s.labCa.caFile],
    { https_proxy: LAB_PROXY_URL },
    ROOT,
    s.lab.client.prefix,
  );
  expect(out.code, out.stderr).toBe(1);
  return JSON.parse(out.stdout) as Report;
}
