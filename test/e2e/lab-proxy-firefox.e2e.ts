/**
 * The lab's office proxy (lab-proxy.e2e.ts) with Firefox ESR through the command line (`--browser firefox`,
 * the proxy from https_proxy as Firefox reads it from the environment): CONNECT to 443 only, direct traffic
 * dropped. Firefox names the proxy it used (webRequest proxyInfo), so the headline names it by host and port.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/protocol/report.ts';
import { CONNECT_443_ONLY, LAB_PROXY_URL } from './harness/lab-proxy-service.ts';
import { expectOutcome, RELAY_URL, useLab } from './harness/lab-session.ts';
import { ROOT } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';

const session = useLab({ hostAccess: true, proxy: true });

describe('lab: an office proxy on the browser path, Firefox', () => {
  it('CONNECT to 443 only, direct traffic dropped: the proxy named by host and port, signaling blocked by it', async () => {
    await session.lab.forward(['-i', 'lan0', '-j', 'DROP']);
    const from = session.proxy?.connects.length ?? 0;
    const out = await runCli(
      ['--json', '--browser', 'firefox', '--relay', RELAY_URL, '--ca-cert', session.labCa.caFile],
      { https_proxy: LAB_PROXY_URL },
      ROOT,
      session.lab.client.prefix,
    );
    expect(out.code, out.stderr).toBe(1);
    const r = JSON.parse(out.stdout) as Report;
    expectOutcome(r, {
      verdict: 'blocked',
      headline:
        "Blocked: your browser reaches the relay through a proxy (192.168.77.1:3128), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly. Blocked by the proxy (direct access not tested): TCP 5096 (Desk phones signaling Secure Voice). Blocked: UDP 40000-49999 (Desk phones media Secure Voice). Give your IT administrator the remediation list.",
      ...CONNECT_443_ONLY,
      rows: { ...CONNECT_443_ONLY.rows },
      remediation: [...CONNECT_443_ONLY.remediation],
    });
    expect(r.proxy).toMatchObject({ evidence: 'browser-proxy-info', proxy: '192.168.77.1:3128' });
    expect(session.proxy?.connects.slice(from)).toContainEqual({ port: 5096, allowed: false });
  });
});
