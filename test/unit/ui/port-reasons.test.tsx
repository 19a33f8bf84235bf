// @vitest-environment happy-dom
/**
 * Each port's reason as the user reads it: in words on the report page's per-port table and in the popup's
 * port check, in the UI language, with the code kept in the title (and the JSON) for support.
 */
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App as PopupApp } from '../../../popup/app.tsx';
import { ReportApp } from '../../../report/app.tsx';
import { parseRoute } from '../../../report/route.ts';
import { rollUpRows } from '../../../src/checks/ports/rollup.ts';
import { profileById } from '../../../src/profiles/index.ts';
import type { Report } from '../../../src/protocol/report.ts';
import type { RunState } from '../../../src/protocol/runtime-messages.ts';
import type { ExtensionActions, ReportActions } from '../../../src/ui/actions.ts';
import { blockedPortsReport } from '../../fakes/report.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const desk = profileById('desk-phone') as NonNullable<ReturnType<typeof profileById>>;
const NO_ANSWER = 'No answer within the time limit: a firewall probably drops the traffic';
const KEINE_ANTWORT = 'Keine Antwort innerhalb der Frist: vermutlich verwirft eine Firewall den Verkehr';

const idle = (last: Report): RunState => ({
  status: 'idle',
  runId: null,
  startedAt: null,
  progress: [],
  last,
});

/** The blocked report with one SIP over TCP port the relay did not listen on and one answered only by the relay. */
function mixedReport(): Report {
  const r = blockedPortsReport();
  const ports = r.ports.map((p) =>
    p.transport === 'tcp' && p.port === 5090
      ? { ...p, status: 'relay-unavailable' as const, reason: 'relay-not-listening', ms: null }
      : p.transport === 'udp' && p.port === 20000
        ? { ...p, reason: 'relay-answered', ms: null }
        : p,
  );
  return withPorts(r, ports);
}

/** The report with these port results, rolled up as the port check stores them. */
function withPorts(r: Report, ports: Report['ports']): Report {
  const rows = rollUpRows(desk, ports);
  return {
    ...r,
    ports,
    checks: r.checks.map((c) => (c.id === 'port-matrix' ? { ...c, data: { ...c.data, ports, rows } } : c)),
  };
}

function reportActions(last: Report): ReportActions {
  return {
    getState: async () => idle(last),
    subscribe: () => () => undefined,
    getHistory: async () => [last],
    subscribeHistory: () => () => undefined,
    getConfirmations: async () => ({}),
    subscribeConfirmations: () => () => undefined,
    setConfirmation: async () => ({}),
    copyText: async () => undefined,
    download: () => undefined,
    getShareSettings: async () => ({
      relayUrl: last.relayUrl,
      includeFullAddresses: false,
      fullAddressesLocked: false,
    }),
    share: async () => ({ ok: false, message: 'not in this test' }),
    getShared: async () => [],
    subscribeShared: () => () => undefined,
  };
}

const popupActions = (last: Report): ExtensionActions => ({
  getState: async () => idle(last),
  runCheck: async () => undefined,
  subscribe: () => () => undefined,
  openPage: async () => undefined,
  getConfirmations: async () => ({}),
});

/** Reason cells (or list items) as [code, words]. */
const reasons = (selector: string) =>
  [...document.querySelectorAll(selector)].map((e) => [e.getAttribute('data-reason'), e.textContent?.trim()]);

let restore: () => void = () => undefined;
afterEach(() => {
  cleanup();
  restore();
  restore = () => undefined;
});

describe('per-port reasons on the report page', () => {
  it('says each reason in words, with the code as the title', async () => {
    const r = mixedReport();
    render(<ReportApp actions={reportActions(r)} route={parseRoute('')} />);
    await screen.findByRole('heading', { name: 'Blocked' });
    const cells = document.querySelectorAll('[data-table="port-results"] td[data-reason]');
    expect(cells.length).toBe(r.ports.length);
    for (const cell of cells) {
      expect(cell.getAttribute('title')).toBe(cell.getAttribute('data-reason'));
      expect(cell.textContent).not.toBe(cell.getAttribute('data-reason'));
    }
    const all = reasons('[data-table="port-results"] td[data-reason]');
    expect(all).toContainEqual(['timed-out', NO_ANSWER]);
    expect(all).toContainEqual([
      'relay-not-listening',
      'The relay does not listen on this port, so it was not measured',
    ]);
    expect(all).toContainEqual(['ok', 'The relay answered']);
    expect(all.find(([code]) => code === 'relay-answered')?.[1]).toMatch(/^The relay received and answered/);
    // The row whose port was not measured says why in words too.
    expect(document.querySelector('[data-row-id="desk-phone-sip-tcp"] .detail')?.textContent).toBe(
      '5090: The relay does not listen on this port, so it was not measured',
    );
  });

  it('in German', async () => {
    restore = useBrowserLanguage('de');
    render(<ReportApp actions={reportActions(mixedReport())} route={parseRoute('')} />);
    await screen.findByRole('heading', { name: 'Blockiert' });
    expect(reasons('[data-table="port-results"] td[data-reason]')).toContainEqual([
      'timed-out',
      KEINE_ANTWORT,
    ]);
  });
});

describe('per-port reasons in the popup', () => {
  it('lists the ports that are not plainly open with their reason in words, not as raw evidence', async () => {
    render(<PopupApp actions={popupActions(mixedReport())} autoRun={false} />);
    await screen.findByText(/Blocked for Secure Voice/);
    const row = document.querySelector('[data-check-id="port-matrix"]');
    const items = reasons('[data-check-id="port-matrix"] .port-reasons li[data-reason]');
    // Three blocked sample ports of 40000-49999, the port the relay did not listen on (once, though two rows
    // name it), the one only the relay saw answered.
    expect(items).toHaveLength(5);
    expect(items).toContainEqual(['timed-out', `UDP 40000 blocked: ${NO_ANSWER}`]);
    expect(items).toContainEqual([
      'relay-not-listening',
      'TCP 5090 relay not listening: The relay does not listen on this port, so it was not measured',
    ]);
    expect(items.find(([code]) => code === 'relay-answered')?.[1]).toMatch(
      /^UDP 20000 open: The relay received/,
    );
    for (const li of row?.querySelectorAll('.port-reasons li[data-reason]') ?? [])
      expect(li.getAttribute('title')).toBe(li.getAttribute('data-reason'));
    // The ports are not repeated as JSON with their codes.
    expect(row?.querySelector('.evidence')?.textContent).not.toContain('"reason"');
  });

  it('in German', async () => {
    restore = useBrowserLanguage('de');
    render(<PopupApp actions={popupActions(mixedReport())} autoRun={false} />);
    await screen.findByText(/Blockiert für Secure Voice|Secure Voice/);
    expect(reasons('[data-check-id="port-matrix"] .port-reasons li[data-reason]')).toContainEqual([
      'timed-out',
      `UDP 40000 blockiert: ${KEINE_ANTWORT}`,
    ]);
  });

  it('lists twelve ports, then says how many more the full report has', async () => {
    const r = blockedPortsReport();
    // Twenty sampled ports of the SRTP range, all dropped.
    const srtp = r.ports.find((p) => p.row === 'desk-phone-srtp') as Report['ports'][number];
    const ports = Array.from({ length: 20 }, (_, i) => ({
      ...srtp,
      port: 40000 + 500 * i,
      status: 'blocked' as const,
      reason: 'timed-out',
    }));
    const many = withPorts(r, ports);
    render(<PopupApp actions={popupActions(many)} autoRun={false} />);
    await screen.findByText(/Blocked for Secure Voice/);
    const list = document.querySelector('[data-check-id="port-matrix"] .port-reasons');
    expect(list?.querySelectorAll('li[data-reason]')).toHaveLength(12);
    expect(list?.lastElementChild?.textContent).toBe('and 8 more in the full report');
  });
});
