/**
 * The lab with an office's explicit web proxy on the router (harness/lab-proxy.ts: HTTP CONNECT, to 443 only
 * unless a scenario allows more), the browser set to use it, and the router's firewall dropping direct
 * traffic. Phones and the provider's apps do not use such a proxy: every scenario asserts that the proxy is
 * named, that the headline says the Secure Voice ports must be open directly, that a port reached only
 * through the proxy is never open and one the proxy refused is "blocked by the proxy (direct access not
 * tested)" and stays in the remediation list; through the command line (Chromium from https_proxy, as the
 * issue found it) and the popup (Chromium with --proxy-server), both with access to the relay's host.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/protocol/report.ts';
import type { Lab } from './harness/lab.ts';
import { viaPopup } from './harness/lab-popup.ts';
import { CONNECT_443_ONLY, LAB_PROXY_URL } from './harness/lab-proxy-service.ts';
import { type Expected, expectOutcome, type LabSession, RELAY_URL, useLab } from './harness/lab-session.ts';
import { ROOT } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';

const session = useLab({ hostAccess: true, proxy: true });

/** Direct traffic from the office LAN dropped at the router, but what `also` lets through first. */
const dropDirect =
  (...also: string[][]) =>
  async (lab: Lab): Promise<void> => {
    for (const rule of also) await lab.forward(['-i', 'lan0', ...rule, '-j', 'RETURN']);
    await lab.forward(['-i', 'lan0', '-j', 'DROP']);
  };

const PHONES =
  "Blocked: your browser reaches the relay through a proxy (192.168.77.1), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly.";
const SIGNALING_AT_PROXY =
  'Blocked by the proxy (direct access not tested): TCP 5096 (Desk phones signaling Secure Voice).';
const SRTP_BLOCKED = 'Blocked: UDP 40000-49999 (Desk phones media Secure Voice).';
const GIVE = 'Give your IT administrator the remediation list.';

/** TCP through a proxy that allows only 443: 443 answered through it, the proxy refused the others. */
const connect443 = (p: number) => (p === 443 ? 'via-proxy' : 'proxy-blocked');

interface ProxyScenario {
  name: string;
  setup: (s: LabSession) => Promise<void>;
  expect: Expected;
  evidence: 'proxy-refused' | 'other-address';
  /** Ports the proxy must have been asked for, and whether it allowed them. */
  connects: Array<[number, boolean]>;
  also?: (r: Report) => void;
}

const SCENARIOS: ProxyScenario[] = [
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
      const rows = r.checks.find((c) => c.id === 'port-matrix')?.data.rows as Array<{
        row: string;
        detail: string;
      }>;
      expect(rows.find((x) => x.row === 'desk-phone-sip-tls')?.detail).toBe(
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
    also: (r) => {
      const rows = r.checks.find((c) => c.id === 'port-matrix')?.data.rows as Array<{
        row: string;
        detail: string;
      }>;
      expect(rows.find((x) => x.row === 'desk-phone-sip-tls')?.detail).toBe(
        '5096 reached only through the proxy (direct access not tested)',
      );
    },
  },
];

function expectProxy(r: Report, s: ProxyScenario): void {
  expectOutcome(r, s.expect);
  expect(r.proxy).toMatchObject({ evidence: s.evidence, proxy: '192.168.77.1' });
  s.also?.(r);
}

/** The command line in the client namespace, with the proxy from the environment as the issue ran it. */
async function viaCli(s: LabSession): Promise<Report> {
  const out = await runCli(
    ['--json', '--relay', RELAY_URL, '--ca-cert', s.labCa.caFile],
    { https_proxy: LAB_PROXY_URL },
    ROOT,
    s.lab.client.prefix,
  );
  expect(out.code, out.stderr).toBe(1);
  return JSON.parse(out.stdout) as Report;
}

describe('lab: an office proxy on the browser path, which phones do not use', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: through the command line and the popup`, async () => {
      await scenario.setup(session);
      const from = session.proxy?.connects.length ?? 0;
      expectProxy(await viaCli(session), scenario);
      const { shown, report } = await viaPopup(session);
      expectProxy(report, scenario);
      expect(shown).toBe(report.headline);
      const asked = session.proxy?.connects.slice(from) ?? [];
      for (const [port, allowed] of scenario.connects) expect(asked).toContainEqual({ port, allowed });
    });
  }
});
