import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { portReasonMessage } from '../../src/checks/ports/port-reason.ts';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import { english } from '../../src/messages/render.ts';
import type { Report } from '../../src/protocol/report.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import { blockUdpTo, clearRules, dropUdpToPorts, type Netns, rejectTcpPort } from './harness/netns.ts';
import type { RelayProcess } from './harness/relay-process.ts';
import { matrix, notOpen, reportPageReasons } from './harness/report-views.ts';

/** Relay ports 30000-39999 stand in for the provider's SRTP range 40000-49999 (see scripts/probe-ports.ts). */
const SRTP_RELAY_RANGE = '30000:39999';
const MEDIA_PORTS = '35000-35099';
const SIP_TLS_RELAY_PORT = 15096;

const session = useExtensionSession({
  netns: true,
  relayArgs: () => {
    const flags = probePortFlags();
    flags[flags.indexOf('--media-ports') + 1] = MEDIA_PORTS;
    return flags;
  },
});
let ns: Netns;
let relay: RelayProcess;
let browser: ExtensionBrowser;
beforeAll(() => {
  ({ relay, browser } = session);
  ns = session.ns as Netns;
});
afterEach(async () => {
  await clearRules(ns);
});

async function runCheck(): Promise<Report> {
  const page = await browser.openPage('options/options.html');
  try {
    return await runCheckInExtension(
      page,
      { relayUrl: relay.url, targets: [], profile: 'desk-phone' },
      'quick',
      90_000,
    );
  } finally {
    await page.close();
  }
}

const blockedRows = (r: Report) =>
  ((matrix(r)?.data.rows ?? []) as Array<{ row: string; status: string }>)
    .filter((row) => row.status === 'blocked' || row.status === 'partial')
    .map((row) => row.row)
    .sort();
const remediationPorts = (r: Report) =>
  ((matrix(r)?.data.remediation ?? []) as Array<{ protocol: string; ports: string }>).map(
    (l) => `${l.protocol} ${l.ports}`,
  );
const media = (r: Report) => r.checks.find((c) => c.id === 'secure-media');

describe('port matrix in a namespace', () => {
  it('all open: every testable port open, no remediation, media over UDP', async () => {
    const r = await runCheck();
    expect(notOpen(r)).toEqual([]);
    expect(blockedRows(r)).toEqual([]);
    expect(remediationPorts(r)).toEqual([]);
    expect(matrix(r)?.status).toBe('pass');
    expect(media(r)?.status).toBe('pass');
    expect(r.verdict).toBe('ready');
    expect(r.ports.filter((p) => p.status === 'not-testable').map((p) => p.row)).toContain('desk-phone-ntp');
    // The figure the report shows, present and in milliseconds (how fast is the benchmarks' business).
    expect(matrix(r)?.durationMs).toBeGreaterThan(0);
  });

  it('UDP 40000-49999 dropped: exactly the SRTP row and its three sample ports; media falls back to TCP', async () => {
    await dropUdpToPorts(ns, SRTP_RELAY_RANGE);
    const r = await runCheck();
    expect(notOpen(r)).toEqual(['udp:40000:blocked', 'udp:44999:blocked', 'udp:49999:blocked']);
    expect(blockedRows(r)).toEqual(['desk-phone-srtp']);
    expect(remediationPorts(r)).toEqual(['UDP 40000-49999']);
    expect(r.verdict).toBe('blocked');
    expect(r.media?.transport).toBe('tcp');
    expect(media(r)).toMatchObject({ status: 'warn', reason: 'tcp-fallback' });
    // The report page says why each port has its status in words, the code kept as the tooltip.
    const page = await browser.openPage('report/report.html');
    try {
      await page.locator(`.report-view[data-run-id="${r.runId}"]`).waitFor({ timeout: 10_000 });
      const shown = await reportPageReasons(page);
      expect(shown.length).toBe(r.ports.length);
      for (const s of shown) {
        expect(s.title, s.port).toBe(s.code);
        expect(s.text, s.port).toBe(english(portReasonMessage(s.code ?? '')));
        expect(s.text, s.port).not.toContain(s.code ?? '');
      }
      const blocked = shown.filter((s) => ['udp:40000', 'udp:44999', 'udp:49999'].includes(s.port));
      expect(blocked.map((s) => s.code).sort()).toEqual(
        r.ports
          .filter((p) => p.status === 'blocked')
          .map((p) => p.reason)
          .sort(),
      );
      for (const s of blocked) expect(s.text).toMatch(/a firewall probably drops the traffic$/);
    } finally {
      await page.close();
    }
  });

  it('TCP to the SIP/TLS port rejected: exactly 5096 refused, its row blocked; media unaffected', async () => {
    await rejectTcpPort(ns, ns.hostAddress, SIP_TLS_RELAY_PORT);
    const r = await runCheck();
    expect(notOpen(r)).toEqual(['tcp:5096:refused']);
    expect(blockedRows(r)).toEqual(['desk-phone-sip-tls']);
    expect(remediationPorts(r)).toEqual(['TCP 5096']);
    expect(matrix(r)?.summary).toContain('TCP 5096 (Desk phones signaling Secure Voice)');
    expect(media(r)?.status).toBe('pass');
    expect(r.verdict).toBe('blocked');
  });

  it('all UDP dropped: every UDP row blocked, TCP rows open, media over TCP', async () => {
    await blockUdpTo(ns);
    const r = await runCheck();
    expect(notOpen(r).every((p) => p.startsWith('udp:') && p.endsWith(':blocked'))).toBe(true);
    expect(notOpen(r)).toHaveLength(6);
    expect(blockedRows(r)).toEqual(['desk-phone-rtp', 'desk-phone-srtp']);
    expect(remediationPorts(r).sort()).toEqual(['UDP 20000-39999', 'UDP 40000-49999']);
    expect(r.media?.transport).toBe('tcp');
    expect(r.verdict).toBe('blocked');
  });
});
