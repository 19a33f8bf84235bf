import { remediation, rollUpRows } from '../../src/checks/ports/rollup.ts';
import type { PortResult, PortStatus } from '../../src/checks/ports/types.ts';
import { msg } from '../../src/messages/catalog.ts';
import { probeTargets, profileById } from '../../src/profiles/index.ts';
import type { CheckResult, RegionsReport, Report } from '../../src/protocol/report.ts';
import { mediaReport } from './media-report.ts';

/** A passed check with this id and evidence, to override field by field. */
export function passedCheck(id: string, data: Record<string, unknown> = {}): CheckResult {
  return { id, title: id, status: 'pass', reason: 'ok', summary: 'ok', durationMs: 1, data };
}

/** Port results for every probe of the desk phone profile, with the status a test picks per port. */
export function deskPorts(statusFor: (transport: string, port: number) => PortStatus): PortResult[] {
  const desk = profileById('desk-phone');
  if (!desk) throw new Error('desk-phone profile missing');
  return probeTargets(desk).flatMap((t) =>
    t.rowIds.map((row) => ({
      profile: 'desk-phone',
      row,
      protocol: desk.rows.find((r) => r.id === row)?.protocol ?? '',
      transport: t.transport,
      port: t.port,
      status: statusFor(t.transport, t.port),
      reason: statusFor(t.transport, t.port) === 'open' ? 'ok' : 'timed-out',
      ms: 12,
    })),
  );
}

/** A ready report of a clean network with media, to override field by field. */
export function report(over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    runId: 'run-1',
    verdict: 'ready',
    headline: 'Ready for Secure Voice: the relay is reachable over HTTPS and WSS.',
    startedAt: '2026-11-21T11:59:50.000Z',
    finishedAt: '2026-11-21T12:00:00.000Z',
    interrupted: false,
    relayUrl: 'https://relay.example:8443',
    extensionVersion: '0.1.0',
    browser: 'chrome Chrome/140.0',
    checks: [
      {
        id: 'relay-https',
        title: 'HTTPS to the relay',
        status: 'pass',
        reason: 'ok',
        summary: 'Reached the relay over HTTPS.',
        durationMs: 20,
        data: { tlsVersion: 'TLSv1.3', tlsCipher: 'TLS_AES_128_GCM_SHA256' },
      },
      {
        id: 'secure-media',
        title: 'Secure media',
        status: 'pass',
        reason: 'ok',
        summary: 'Encrypted audio made the round trip.',
        durationMs: 3000,
        data: { media: mediaReport() },
      },
    ],
    media: mediaReport(),
    ports: [],
    nat: null,
    tls: { https: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' }, wss: null, ok: true },
    ...over,
  };
}

/** A blocked report whose port matrix dropped the Secure Voice media range, as the port check stores it. */
export function blockedPortsReport(runId = 'run-blocked'): Report {
  const desk = profileById('desk-phone');
  if (!desk) throw new Error('desk-phone profile missing');
  const ports = deskPorts((tr, p) => (tr === 'udp' && p >= 40000 && p <= 49999 ? 'blocked' : 'open'));
  const rows = rollUpRows(desk, ports);
  const base = report();
  return {
    ...base,
    runId,
    verdict: 'blocked',
    headline: "Blocked: the provider's ports are closed.",
    checks: [
      ...base.checks,
      {
        id: 'port-matrix',
        title: "Firewall: the provider's ports",
        status: 'fail',
        reason: 'ports-blocked',
        step: 'ice',
        summary: 'Blocked for Secure Voice: UDP 40000-49999 (Desk phones media Secure Voice).',
        durationMs: 3100,
        data: { profile: 'desk-phone', ports, rows, remediation: remediation(rows) },
      },
    ],
    ports,
    nat: {
      natDetected: true,
      mapping: 'endpoint-independent',
      pathsDiffer: false,
      summary: 'This computer is behind NAT (a firewall/router translates its address).',
      portsCompared: 2,
    },
  };
}

/**
 * Relays compared as the check stores them: the configured relay (Paris, the run's own figures) lost 15 % and
 * Frankfurt, measured after it, is recommended.
 */
export function regions(over: Partial<RegionsReport> = {}): RegionsReport {
  const relay = { httpsMs: 24, problem: null, problemMessage: null };
  return {
    relays: [
      {
        ...relay,
        name: 'Frankfurt',
        url: 'https://fra.relay.example:8443',
        primary: false,
        rttMs: 18,
        lossPercent: 0,
        lossInterval: { low: 0, high: 1.9 },
        jitterMs: 1.2,
        mos: 4.41,
      },
      {
        ...relay,
        name: 'Paris',
        url: 'https://relay.example:8443',
        primary: true,
        rttMs: 9,
        lossPercent: 15.2,
        lossInterval: { low: 11.6, high: 19.6 },
        jitterMs: 2.5,
        mos: 2.93,
      },
    ],
    recommended: 'https://fra.relay.example:8443',
    summary:
      'Recommended relay: Frankfurt (calls through it would sound best: MOS 4.4, against 2.9 through Paris).',
    summaryMessage: msg('sum_regions_recommend', 'Frankfurt', msg('regions_why_mos', 4.4, 'Paris', 2.9)),
    ...over,
  };
}
