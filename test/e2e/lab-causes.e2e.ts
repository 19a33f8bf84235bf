/**
 * The lab, naming causes: each way the path to a relay breaks (DNS that never answers, a name that does not
 * exist, a DNS server failure, a refused or dropped connection, a TLS handshake that stalls in a path-MTU
 * black hole, a certificate the browser does not trust) must come out with its own reason code, the step that
 * failed, and a headline that names it, for a relay other than the build's default (relay.voice.test), both
 * through the command line (`npm run check`, which grants the extension access to the relay it is given) and
 * through the popup of an extension that was granted access.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchWithExtension } from '../../src/cli/chromium.ts';
import type { CheckResult, Report } from '../../src/protocol/report.ts';
import { LAB, type Lab } from './harness/lab.ts';
import { viaPopup } from './harness/lab-popup.ts';
import { type LabSession, labCheck, RELAY_URL, rule, rules, useLab } from './harness/lab-session.ts';
import { ROOT } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';

const session = useLab({ hostAccess: true });
const HOST = LAB.relayName;

interface Cause {
  name: string;
  setup: (lab: Lab, s: LabSession) => Promise<void>;
  reason: string;
  step: string;
  /** Default: the relay check fails and the run is blocked. */
  outcome?: { verdict: 'degraded'; status: 'warn' };
  /** The headline, as the user reads it in the popup and on the terminal. */
  headline: RegExp;
  /** The command line runs without --ca-cert (the relay's certificate is then untrusted). */
  untrusted?: true;
  /** The command line trusts the office's inspection CA too (--ca-cert twice), as the popup's browser does. */
  inspectionCa?: true;
  /**
   * The popup's browser has reached the relay before (a passing check), so it holds the relay's HSTS and
   * answers plain HTTP to the relay's name itself: the diagnosis must not need that name.
   */
  afterHsts?: (r: Report) => void;
}

const HTTPS_FAILED = 'Blocked: HTTPS to the relay failed\\. ';
const headline = (words: string) => new RegExp(`^${HTTPS_FAILED}${words}`);

const CAUSES: Cause[] = [
  {
    name: 'DNS never answers',
    setup: (lab) => lab.setDns('drop'),
    reason: 'dns-no-answer',
    step: 'dns',
    headline: headline(`DNS: no answer when looking up ${HOST}: .*DNS \\(port 53\\) is blocked`),
  },
  {
    name: 'the DNS server says the name does not exist (NXDOMAIN)',
    setup: (lab) => lab.setDns('nxdomain'),
    reason: 'dns-failure',
    step: 'dns',
    headline: headline(`DNS: the DNS server answered that ${HOST} does not exist .*NXDOMAIN`),
  },
  {
    name: 'the DNS server fails (SERVFAIL)',
    setup: (lab) => lab.setDns('servfail'),
    reason: 'dns-failure',
    step: 'dns',
    headline: headline(`DNS: the DNS server answered that ${HOST} does not exist or could not be resolved`),
  },
  {
    name: 'HTTPS 443 refused with a TCP reset',
    setup: rules(rule.tcp('443', ...rule.reset)),
    reason: 'connection-refused',
    step: 'tcp',
    headline: headline(`Connection refused by ${HOST}`),
  },
  {
    name: 'HTTPS 443 silently dropped',
    setup: rules(rule.tcp('443', ...rule.drop)),
    reason: 'timed-out',
    step: 'tcp',
    headline: headline(`Timed out connecting to ${HOST}: a firewall is probably dropping the traffic`),
  },
  {
    name: 'a path-MTU black hole (packets over 1200 bytes towards the client dropped, no ICMP)',
    setup: (lab) => lab.blackHoleAbove(1200),
    reason: 'tls-stalled',
    step: 'tls',
    headline: headline(`TLS stalled with ${HOST}: the TCP connection opened, .*MTU`),
    // Plain HTTP to the relay's name is the browser's own HSTS redirect; to its address, the relay's close.
    afterHsts: (r) =>
      expect(relayStep(r)?.data.diagnosis).toMatchObject({ tcpWitness: 'closed', tcpWitnessVia: 'address' }),
  },
  {
    name: 'a TLS-inspecting proxy on the router, whose CA the browser trusts',
    setup: async (lab, s) => {
      const shown = await s.inspectionCa.issue([HOST]);
      await lab.interceptTls({ ...shown, relayCaFile: s.labCa.caFile });
    },
    reason: 'tls-inspected',
    step: 'tls',
    outcome: { verdict: 'degraded', status: 'warn' },
    headline:
      /^Calls may have problems: HTTPS to the relay\. TLS inspection on the path: the relay received a TLS hello this browser never sends \(no GREASE values, which Chromium always sends\), .*SIP over TLS \(TCP 5096\/5097\)/,
    inspectionCa: true,
  },
  {
    name: "a certificate the browser does not trust (the command line without the relay's CA)",
    setup: async () => undefined,
    reason: 'tls-certificate-rejected',
    step: 'tls',
    headline: headline(`TLS certificate rejected for ${HOST}`),
    untrusted: true,
  },
];

function relayStep(r: Report): CheckResult | undefined {
  return r.checks.find((c) => c.id === 'relay-https');
}

function expectCause(r: Report, cause: Cause): void {
  const { verdict, status } = cause.outcome ?? { verdict: 'blocked', status: 'fail' };
  expect(r.verdict).toBe(verdict);
  expect(relayStep(r)).toMatchObject({ status, reason: cause.reason, step: cause.step });
  expect(r.headline).toMatch(cause.headline);
}

async function viaCli(s: LabSession, cause: Cause): Promise<Report> {
  const trust = cause.untrusted ? [] : ['--ca-cert', s.labCa.caFile];
  const inspection = cause.inspectionCa ? ['--ca-cert', s.inspectionCa.caFile] : [];
  const out = await runCli(
    ['--json', '--relay', RELAY_URL, ...trust, ...inspection],
    {},
    ROOT,
    s.lab.client.prefix,
  );
  expect(out.code, out.stderr).toBe(1);
  return JSON.parse(out.stdout) as Report;
}

/**
 * A passing check in the popup's browser, so it holds the relay's HSTS (checked: plain HTTP to the relay's
 * name comes back as the browser's own redirect) and the extension remembers the relay's address; then the
 * relay's keep-alive closes the idle connections (Node's 5 s), so the next check opens new ones.
 */
async function reachRelayFirst(s: LabSession): Promise<void> {
  const passed = await labCheck(s);
  expect(relayStep(passed)?.status).toBe('pass');
  const redirect = await s.browser.worker.evaluate(async (url) => {
    const res = await fetch(url, { redirect: 'manual', cache: 'no-store' });
    return res.type;
  }, `http://${HOST}:443/`);
  expect(redirect).toBe('opaqueredirect');
  // Waited for, not slept: on a busy computer the relay's 5 s timer may close them later than 6 s.
  await expect.poll(() => establishedToRelay(s), { timeout: 30_000, interval: 500 }).toEqual([]);
}

/** The client's TCP connections to the relay that are still open (the relay has not closed them yet). */
async function establishedToRelay(s: LabSession): Promise<string[]> {
  const r = await s.lab.client.exec(['ss', '-Htn', 'state', 'established', 'dst', LAB.wan.provider]);
  if (r.code !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((line) => line.trim() !== '');
}

describe('lab: the cause of each failure, named for a relay other than the default', () => {
  for (const cause of CAUSES) {
    it(`${cause.name}: ${cause.reason} at step ${cause.step}, through the command line and the popup`, async () => {
      if (cause.afterHsts) await reachRelayFirst(session);
      await cause.setup(session.lab, session);
      expectCause(await viaCli(session, cause), cause);
      if (cause.untrusted) return; // the popup's browser below trusts the relay; see the next test
      const { shown, report } = await viaPopup(session);
      expectCause(report, cause);
      expect(shown).toBe(report.headline);
      cause.afterHsts?.(report);
    });
  }

  it('the popup of a browser that does not trust the relay names the certificate', async () => {
    const cause = CAUSES.find((c) => c.untrusted) as Cause;
    const browser = await launchWithExtension({
      extensionDir: `${ROOT}/dist/chrome`,
      executablePath: session.lab.client.chromiumWrapper,
      hostAccess: [RELAY_URL],
    });
    try {
      const { shown, report } = await viaPopup({ ...session, browser });
      expectCause(report, cause);
      expect(shown).toBe(report.headline);
    } finally {
      await browser.close();
    }
  });
});

const relayHttps = (stdout: string) =>
  (JSON.parse(stdout) as Report).checks.find((c) => c.id === 'relay-https') as CheckResult;

describe("lab: --ca-cert makes the provider's CA a trust anchor (the relay does not send it)", () => {
  it('the relay sends only its own certificate, issued by the lab CA for relay.voice.test', async () => {
    const served = await readFile(session.relay.certFile, 'utf8').catch(() => null);
    // Started with --cert: no generated certificate in its data folder; the one it serves is the CA's leaf.
    expect(served).toBeNull();
    const chain = session.labCa.served;
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    const leaf = new X509Certificate(chain);
    expect(leaf.checkIssued(new X509Certificate(await readFile(session.labCa.caFile, 'utf8')))).toBe(true);
  });

  for (const browser of ['chromium', 'firefox'] as const) {
    it(`${browser}: --ca-cert with the CA passes HTTPS to the relay`, async () => {
      const out = await runCli(
        ['--json', '--browser', browser, '--relay', RELAY_URL, '--ca-cert', session.labCa.caFile],
        {},
        ROOT,
        session.lab.client.prefix,
      );
      expect(out.stderr).toBe('');
      expect(relayHttps(out.stdout)).toMatchObject({ status: 'pass', reason: 'ok' });
    });
  }

  it("--pin-cert with the CA (the old --ca-cert) is rejected: its key is not in the relay's chain", async () => {
    const out = await runCli(
      ['--json', '--relay', RELAY_URL, '--pin-cert', session.labCa.caFile],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    expect(out.code).toBe(1);
    expect(relayHttps(out.stdout)).toMatchObject({
      status: 'fail',
      reason: 'tls-certificate-rejected',
      step: 'tls',
    });
  });
});

describe('lab: TLS inspection in Firefox', () => {
  it('a proxy whose CA Firefox trusts is named from the hello without record_size_limit', async () => {
    const shown = await session.inspectionCa.issue([HOST]);
    const intercepted = await session.lab.interceptTls({ ...shown, relayCaFile: session.labCa.caFile });
    const out = await runCli(
      [
        ...['--json', '--browser', 'firefox', '--relay', RELAY_URL],
        ...['--ca-cert', session.labCa.caFile, '--ca-cert', session.inspectionCa.caFile],
      ],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    expect(out.stderr).toBe('');
    expect(intercepted()).toBeGreaterThan(0);
    const https = relayHttps(out.stdout);
    expect(https).toMatchObject({ status: 'warn', reason: 'tls-inspected', step: 'tls' });
    expect(https.summary).toMatch(/no record_size_limit extension, which Firefox always sends/);
    expect(https.data.inspection).toMatchObject({ missing: 'record-size-limit' });
  });
});

describe('lab: TLS inspection only on SIP over TLS (TCP 5096)', () => {
  it('the port check names TLS inspection on TCP 5096 with the evidence, while HTTPS to the relay passes', async () => {
    const shown = await session.inspectionCa.issue([HOST]);
    const intercepted = await session.lab.interceptTls({
      ...shown,
      relayCaFile: session.labCa.caFile,
      port: 5096,
    });
    const out = await runCli(
      [
        ...['--json', '--relay', RELAY_URL],
        ...['--ca-cert', session.labCa.caFile, '--ca-cert', session.inspectionCa.caFile],
      ],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    expect(out.code, out.stderr).toBe(1);
    expect(intercepted()).toBeGreaterThan(0);
    const r = JSON.parse(out.stdout) as Report;
    expect(r.verdict).toBe('degraded');
    expect(relayHttps(out.stdout)).toMatchObject({ status: 'pass', reason: 'ok' });
    const ports = r.checks.find((c) => c.id === 'port-matrix') as CheckResult;
    expect(ports).toMatchObject({ status: 'warn', reason: 'tls-inspected', step: 'tls' });
    // Only 5096 is named ("TCP 5096, TCP 5097" would not match), with what the hello lacked.
    expect(ports.summary).toMatch(
      /TLS inspection on TCP 5096: the relay received a TLS hello there that this browser never sends \(no GREASE values, which Chromium always sends\)/,
    );
    expect(ports.data.inspected).toEqual([{ port: 5096, missing: 'grease' }]);
    expect(r.headline).toMatch(/TLS inspection on TCP 5096: /);

    // The popup's browser trusts the office CA too: the user reads the same in the popup.
    const popup = await viaPopup(session);
    const report = popup.report;
    expect(popup.shown).toBe(report.headline);
    expect(report.verdict).toBe('degraded');
    expect(relayStep(report)).toMatchObject({ status: 'pass', reason: 'ok' });
    const popupPorts = report.checks.find((c) => c.id === 'port-matrix') as CheckResult;
    expect(popupPorts).toMatchObject({ status: 'warn', reason: 'tls-inspected', step: 'tls' });
    expect(popupPorts.data.inspected).toEqual([{ port: 5096, missing: 'grease' }]);
    expect(report.headline).toMatch(
      /TLS inspection on TCP 5096: the relay received a TLS hello there that this browser never sends \(no GREASE values, which Chromium always sends\)/,
    );

    // Firefox, by its own mark: the hello lacks record_size_limit.
    const ff = await runCli(
      [
        ...['--json', '--browser', 'firefox', '--relay', RELAY_URL],
        ...['--ca-cert', session.labCa.caFile, '--ca-cert', session.inspectionCa.caFile],
      ],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    expect(ff.stderr).toBe('');
    const fr = JSON.parse(ff.stdout) as Report;
    expect(relayHttps(ff.stdout)).toMatchObject({ status: 'pass', reason: 'ok' });
    const ffPorts = fr.checks.find((c) => c.id === 'port-matrix') as CheckResult;
    expect(ffPorts, ffPorts.summary).toMatchObject({ status: 'warn', reason: 'tls-inspected', step: 'tls' });
    expect(ffPorts.summary).toMatch(
      /TLS inspection on TCP 5096: the relay received a TLS hello there that this browser never sends \(no record_size_limit extension, which Firefox always sends\)/,
    );
    expect(ffPorts.data.inspected).toEqual([{ port: 5096, missing: 'record-size-limit' }]);
  });
});

describe('lab: the command line keeps Chromium to the check', () => {
  it('looks up no name but the relay (no update or account lookups): the lab DNS server records every query', async () => {
    const from = session.lab.dnsQueries().length;
    const out = await runCli(
      ['--json', '--relay', RELAY_URL, '--ca-cert', session.labCa.caFile],
      {},
      ROOT,
      session.lab.client.prefix,
    );
    // A finished check (ready, or degraded on a loaded machine's delays), not exit 2 for a check that did not run.
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout).checks.find((c: CheckResult) => c.id === 'relay-https').status).toBe(
      'pass',
    );
    const asked = session.lab.dnsQueries().slice(from);
    expect(asked).toContain(HOST);
    // The relay's own name, and its HTTPS records for other ports (_5096._https.relay.voice.test): nothing else.
    const other = asked.filter((name) => name !== HOST && !/^_\d+\._https\.relay\.voice\.test$/.test(name));
    expect(other).toEqual([]);
  });

  it('runs from a temporary folder with a long path (Chromium keeps its socket under a short one)', async () => {
    const long = join(tmpdir(), `svc-long-${'x'.repeat(80)}`);
    await mkdir(long, { recursive: true });
    try {
      const out = await runCli(
        ['--json', '--relay', RELAY_URL, '--ca-cert', session.labCa.caFile],
        { TMPDIR: long },
        ROOT,
        session.lab.client.prefix,
      );
      expect(out.stderr).toBe('');
      expect(out.code === 0 || out.code === 1).toBe(true);
      expect(JSON.parse(out.stdout).checks.find((c: CheckResult) => c.id === 'relay-https').status).toBe(
        'pass',
      );
    } finally {
      await rm(long, { recursive: true, force: true });
    }
  });
});
