/**
 * A proxy on the browser's path, from the port results to the verdict and headline, in the three shapes the
 * lab builds (test/e2e/lab-proxy.e2e.ts): CONNECT to 443 only with direct traffic dropped; the same with UDP
 * allowed directly; CONNECT to any port.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/checks/build-report.ts';
import { classifyProxy } from '../../../src/checks/ports/proxy-path.ts';
import { remediation, rollUpRows } from '../../../src/checks/ports/rollup.ts';
import type { PortStatus } from '../../../src/checks/ports/types.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { verdictOf } from '../../../src/checks/verdict.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import { profileById } from '../../../src/profiles/index.ts';
import { type Report, ReportSchema } from '../../../src/protocol/report.ts';
import { deskPorts, passedCheck } from '../../fakes/report.ts';

const PROFILE = profileById('desk-phone');
if (!PROFILE) throw new Error('desk-phone profile missing');
const PROXY = { proxy: null, connectedTo: '192.168.77.1' };

const pass = (id: string) => passedCheck(id);

/** The port check's result for these TCP statuses and one status for every UDP port. */
function matrix(tcp: Record<number, PortStatus>, udp: PortStatus): CheckResult {
  const ports = deskPorts((transport, port) => (transport === 'udp' ? udp : (tcp[port] ?? 'open'))).map(
    (p) => ({ ...p, reason: p.status === 'proxy-blocked' ? 'proxy-failed' : p.reason }),
  );
  const rows = rollUpRows(PROFILE as NonNullable<typeof PROFILE>, ports);
  const proxy = classifyProxy({
    relayAddress: '203.0.113.10',
    probes: Object.entries(tcp).map(([port, status]) => ({ port: Number(port), status, route: PROXY })),
  });
  const failed = rows.some((r) => r.secureVoice && (r.status === 'blocked' || r.status === 'partial'));
  const open = rows.every((r) => r.status === 'open' || r.status === 'not-testable');
  return {
    ...pass('port-matrix'),
    status: failed ? 'fail' : open ? 'pass' : 'warn',
    reason: failed ? 'ports-blocked' : open ? 'ok' : 'ports-unmeasured',
    data: { profile: 'desk-phone', ports, rows, remediation: remediation(rows), proxy },
  };
}

const mediaFailed: CheckResult = {
  ...pass('secure-media'),
  status: 'fail',
  reason: 'ice-failed',
  summary: 'No media path.',
};
const meta = {
  runId: 'r',
  startedAt: 't0',
  finishedAt: 't1',
  relayUrl: 'https://relay.voice.test',
  extensionVersion: '1',
  browser: 'x',
};
const reportOf = (checks: CheckResult[]): Report => buildReport(meta, checks);
const lines = (c: CheckResult) =>
  (c.data.remediation as Array<{ protocol: string; ports: string }>).map((l) => `${l.protocol} ${l.ports}`);
const rowStatus = (c: CheckResult, id: string) =>
  (c.data.rows as Array<{ row: string; status: string; detail: string }>).find((r) => r.row === id);

describe('a proxy on the path: CONNECT to 443 only, direct traffic dropped', () => {
  const ports = matrix(
    { 443: 'via-proxy', 80: 'proxy-blocked', 5090: 'proxy-blocked', 5096: 'proxy-blocked' },
    'blocked',
  );
  const checks = [pass('relay-https'), pass('relay-wss'), mediaFailed, ports];

  it('is blocked, names the proxy and says phones do not use it', () => {
    const v = verdictOf(checks);
    expect(v.verdict).toBe('blocked');
    expect(v.headline).toBe(
      "Blocked: your browser reaches the relay through a proxy (192.168.77.1), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly. Blocked by the proxy (direct access not tested): TCP 5096 (Desk phones signaling Secure Voice). Blocked: UDP 40000-49999 (Desk phones media Secure Voice). Give your IT administrator the remediation list.",
    );
  });

  it('the ports the proxy refused are blocked by the proxy and stay in the remediation list; 443 is never open', () => {
    expect(rowStatus(ports, 'desk-phone-sip-tls')).toMatchObject({
      status: 'blocked',
      detail: '5096 blocked by the proxy (direct access not tested)',
    });
    expect(rowStatus(ports, 'desk-phone-provisioning-https')).toMatchObject({ status: 'blocked' });
    // In table order: SIP over TCP, RTP, SIP/TLS, SRTP, provisioning (80 only: 443 was not refused), presence.
    expect(lines(ports)).toEqual([
      'TCP 5090',
      'UDP 20000-39999',
      'TCP 5096',
      'UDP 40000-49999',
      'TCP 80',
      'TCP 5090',
    ]);
    expect(
      reportOf(checks)
        .ports.filter((p) => p.port === 443)
        .map((p) => p.status),
    ).toEqual(['via-proxy']);
  });

  it('the report carries the proxy and still validates', () => {
    const r = reportOf(checks);
    expect(r.proxy).toMatchObject({ evidence: 'proxy-refused', proxy: '192.168.77.1', viaProxy: [443] });
    expect(() => ReportSchema['~standard'].validate(r)).not.toThrow();
    expect(ReportSchema['~standard'].validate(r)).not.toHaveProperty('issues');
  });

  it('German', () => {
    const v = verdictOf(checks);
    expect(renderMessage(v.headlineMessage, LANGUAGES.de)).toBe(
      'Blockiert: Ihr Browser erreicht das Relay über einen Proxy (192.168.77.1), aber Telefone und die Apps des Anbieters nutzen ihn nicht, daher müssen die Secure-Voice-Ports direkt offen sein. Vom Proxy blockiert (direkter Zugang nicht getestet): TCP 5096 (Desk phones signaling Secure Voice). Blockiert: UDP 40000-49999 (Desk phones media Secure Voice). Geben Sie Ihrer IT-Administration die Liste der Freigaben.',
    );
  });
});

describe('the same proxy, UDP allowed directly: media works, TCP through the proxy', () => {
  const ports = matrix(
    { 443: 'via-proxy', 80: 'proxy-blocked', 5090: 'proxy-blocked', 5096: 'proxy-blocked' },
    'open',
  );
  const checks = [pass('relay-https'), pass('relay-wss'), pass('secure-media'), ports];

  it('is blocked by the proxy for signaling only; UDP rows are open', () => {
    const v = verdictOf(checks);
    expect(v.verdict).toBe('blocked');
    expect(v.headline).toBe(
      "Blocked: your browser reaches the relay through a proxy (192.168.77.1), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly. Blocked by the proxy (direct access not tested): TCP 5096 (Desk phones signaling Secure Voice). Give your IT administrator the remediation list.",
    );
    expect(rowStatus(ports, 'desk-phone-srtp')?.status).toBe('open');
    expect(lines(ports)).toEqual(['TCP 5090', 'TCP 5096', 'TCP 80', 'TCP 5090']);
  });
});

describe('a proxy that allows CONNECT to any port', () => {
  it('with UDP dropped: blocked, every TCP row reached only through the proxy (not open for phones)', () => {
    const ports = matrix(
      { 443: 'via-proxy', 80: 'via-proxy', 5090: 'via-proxy', 5096: 'via-proxy' },
      'blocked',
    );
    const v = verdictOf([pass('relay-https'), pass('relay-wss'), mediaFailed, ports]);
    expect(v.verdict).toBe('blocked');
    expect(v.headline).toBe(
      "Blocked: your browser reaches the relay through a proxy (192.168.77.1), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly. Blocked: UDP 40000-49999 (Desk phones media Secure Voice). Give your IT administrator the remediation list.",
    );
    expect(rowStatus(ports, 'desk-phone-sip-tls')).toMatchObject({
      status: 'unknown',
      detail: '5096 reached only through the proxy (direct access not tested)',
    });
    expect(lines(ports)).toEqual(['UDP 20000-39999', 'UDP 40000-49999']);
  });

  it('with UDP open: never ready, degraded, and the Secure Voice rows reached only through the proxy named', () => {
    const ports = matrix({ 443: 'via-proxy', 80: 'via-proxy', 5090: 'via-proxy', 5096: 'via-proxy' }, 'open');
    const v = verdictOf([pass('relay-https'), pass('relay-wss'), pass('secure-media'), ports]);
    expect(v.verdict).toBe('degraded');
    expect(v.headline).toBe(
      "Calls may have problems: your browser reaches the relay through a proxy (192.168.77.1), but phones and the provider's apps do not use it, so the Secure Voice ports must be open directly. Reached only through the proxy (direct access not tested): TCP 5096 (Desk phones signaling Secure Voice).",
    );
  });
});

describe('no proxy seen', () => {
  it('leaves the verdict as it was, and the report says none', () => {
    const ports = matrix({}, 'open');
    const r = reportOf([pass('relay-https'), pass('relay-wss'), pass('secure-media'), ports]);
    expect(r.proxy).toBeNull();
    expect(r.verdict).toBe('ready');
  });

  it('a proxy Firefox named for HTTPS to the relay counts without the port check', () => {
    const https = {
      ...pass('relay-https'),
      data: { route: { proxy: 'proxy.corp:3128', connectedTo: '10.0.0.3' } },
    };
    const v = verdictOf([https, pass('relay-wss'), pass('secure-media')]);
    expect(v.verdict).toBe('degraded');
    expect(v.headline).toMatch(/through a proxy \(proxy\.corp:3128\)/);
  });
});
