// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App as PopupApp } from '../../../popup/app.tsx';
import { ReportApp, reportFileName } from '../../../report/app.tsx';
import { parseRoute } from '../../../report/route.ts';
import type { Confirmations } from '../../../src/checklist/evaluate.ts';
import { type Report, ReportSchema } from '../../../src/protocol/report.ts';
import type { SharedRecord } from '../../../src/share/shared-record.ts';
import type { ShareOutcome } from '../../../src/share/upload.ts';
import type { ExtensionActions, ReportActions } from '../../../src/ui/actions.ts';
import { ipv6Report, RELAY_ADDRESS6 } from '../../fakes/ipv6-report.ts';
import { blockedPortsReport, report } from '../../fakes/report.ts';
import { idleState } from '../../fakes/run-state.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const NOW = Date.parse('2026-11-21T12:05:00Z');
const idle = idleState;

function fakeActions(history: Report[], confirmations: Confirmations = {}) {
  let stored = { ...confirmations };
  const actions = {
    getState: async () => idle(history[0] ?? null),
    subscribe: () => () => undefined,
    getHistory: async () => history,
    subscribeHistory: () => () => undefined,
    getConfirmations: async () => stored,
    subscribeConfirmations: () => () => undefined,
    setConfirmation: vi.fn(async (id: string, date: string | null) => {
      const { [id]: _, ...rest } = stored;
      stored = date ? { ...rest, [id]: date } : rest;
      return stored;
    }),
    copyText: vi.fn(async (_text: string) => undefined),
    download: vi.fn((_name: string, _content: string, _type: string) => undefined),
    getShareSettings: async () => ({
      relayUrl: 'https://relay.example:8443',
      includeFullAddresses: false,
      fullAddressesLocked: false,
    }),
    share: vi.fn(
      async (_runId: string, _relayUrl: string, _body: string): Promise<ShareOutcome> => ({
        ok: false,
        message: 'not in this test',
      }),
    ),
    getShared: async (): Promise<SharedRecord[]> => [],
    subscribeShared: () => () => undefined,
  } satisfies ReportActions;
  return actions;
}

afterEach(cleanup);

describe('report page', () => {
  const latest = blockedPortsReport('run-2');
  const older = report({ runId: 'run-1', finishedAt: '2026-11-20T09:00:00.000Z' });

  it('shows the verdict, the port table with remediation, media, NAT and TLS of the latest run', async () => {
    const actions = fakeActions([latest, older]);
    render(<ReportApp actions={actions} route={parseRoute('')} now={() => NOW} />);
    await screen.findByRole('heading', { name: 'Blocked' });
    const table = screen.getByRole('table', { name: /Firewall rules of the Desk phone/ });
    expect(table.querySelector('[data-row-id="desk-phone-srtp"]')?.textContent).toContain('Blocked');
    expect(document.querySelector('pre.remediation')?.textContent).toContain('40000-49999');
    expect(screen.getByRole('heading', { name: 'Secure media' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Test my headset' }).getAttribute('href')).toBe(
      '../device/device.html',
    );
    expect(screen.getByText('SRTP_AES128_CM_HMAC_SHA1_80')).toBeTruthy();
    // Once in the NAT section, once as the evidence for "Place VoIP phones behind firewalls".
    expect(screen.getAllByText(/behind NAT/).length).toBeGreaterThanOrEqual(1);
    expect(document.querySelector('[data-field="tls-https"]')?.textContent).toBe(
      'TLSv1.3, TLS_AES_128_GCM_SHA256',
    );
    // The matrix has its own section: the check row does not repeat it as raw evidence.
    expect(document.querySelector('[data-check-id="port-matrix"] .evidence')?.textContent).not.toContain(
      'desk-phone-srtp',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Copy as text' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Copied/));
    expect(actions.copyText.mock.calls[0]?.[0]).toMatch(/^Secure Voice Check: BLOCKED/);
    fireEvent.click(screen.getByRole('button', { name: 'Copy remediation' }));
    await waitFor(() => expect(actions.copyText).toHaveBeenCalledTimes(2));
    expect(actions.copyText.mock.calls[1]?.[0]).toMatch(/^Please allow/);

    fireEvent.click(screen.getByRole('button', { name: 'Download JSON' }));
    const [name, content, type] = actions.download.mock.calls[0] ?? [];
    expect(name).toBe('secure-voice-check-2026-11-21-blocked.json');
    expect(type).toBe('application/json');
    expect(v.parse(ReportSchema, JSON.parse(content ?? ''))).toEqual(latest);
  });

  it('says "not measured" for sections the report lacks', async () => {
    const bare = report({ media: null });
    render(<ReportApp actions={fakeActions([bare])} route={parseRoute('')} now={() => NOW} />);
    await screen.findByRole('heading', { name: 'Ready' });
    for (const id of ['ports', 'media', 'nat'])
      expect(document.getElementById(id)?.textContent).toContain('Not measured in this check.');
  });

  it('opens an older run from the history and marks it as earlier', async () => {
    render(
      <ReportApp actions={fakeActions([latest, older])} route={parseRoute('#run=run-1')} now={() => NOW} />,
    );
    await screen.findByRole('heading', { name: 'Ready' });
    expect(screen.getByText(/This is an earlier check/)).toBeTruthy();
    const links = screen.getAllByRole('link', { name: /Ready|Blocked/ });
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['#run=run-2', '#run=run-1']);
    expect(links[1]?.getAttribute('aria-current')).toBe('true');
  });

  it('ticks and unticks a checklist item, storing the date', async () => {
    const actions = fakeActions([latest]);
    render(<ReportApp actions={actions} route={parseRoute('#checklist')} now={() => NOW} />);
    const box = await screen.findByRole('checkbox', { name: /Set strong passwords/ });
    const count = () => document.querySelector('[data-field="checklist-count"]')?.textContent;
    const before = count();
    fireEvent.click(box);
    await waitFor(() =>
      expect(document.querySelector('[data-item-id="strong-passwords"]')?.getAttribute('data-status')).toBe(
        'done',
      ),
    );
    expect(actions.setConfirmation).toHaveBeenCalledWith('strong-passwords', new Date(NOW).toISOString());
    expect(count()).not.toBe(before);
    fireEvent.click(screen.getByRole('checkbox', { name: /Set strong passwords/ }));
    await waitFor(() => expect(actions.setConfirmation).toHaveBeenLastCalledWith('strong-passwords', null));
    // Items the last check verified are decided by measurement, not a checkbox.
    expect(document.querySelector('[data-item-id="voip-encryption"]')?.getAttribute('data-status')).toBe(
      'verified',
    );
    expect(document.querySelector('[data-item-id="voip-encryption"] input')).toBeNull();
  });

  it('shares the shown run with support and shows the codes it was shared under', async () => {
    const actions = fakeActions([latest, older]);
    actions.share.mockResolvedValueOnce({
      ok: false,
      message: 'Could not reach the relay at relay.example:8443 (Failed to fetch).',
    });
    actions.getShared = async () => [
      {
        runId: 'run-2',
        code: 'WXYZ2345',
        url: 'https://relay.example:8443/console/r/WXYZ2345',
        expiresAt: '2026-12-21T12:00:00.000Z',
        sharedAt: '2026-11-21T12:01:00.000Z',
        redaction: 'default',
      },
    ];
    render(<ReportApp actions={actions} route={parseRoute('')} now={() => NOW} />);
    await screen.findByRole('heading', { name: 'Blocked' });
    await waitFor(() =>
      expect(document.querySelector('[data-field="shared-before"]')?.textContent).toContain('WXYZ-2345'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Share with support' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Send to support' }));
    await screen.findByRole('button', { name: 'Retry' });
    expect(actions.share).toHaveBeenCalledWith(
      'run-2',
      'https://relay.example:8443',
      expect.stringContaining('"runId": "run-2"'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    const [name, content] = actions.download.mock.calls[0] ?? [];
    expect(name).toBe('secure-voice-check-2026-11-21-blocked-for-support.json');
    expect(JSON.parse(content ?? '').redaction).toBe('default');
    // The report is still shown and still in the history.
    expect(document.querySelector('.report-view')?.getAttribute('data-run-id')).toBe('run-2');
    expect(document.querySelectorAll('.history li').length).toBe(2);
  });

  it('shows the UDP rows over IPv6 beside IPv4, the relay address redacted, in English and German', async () => {
    const r = ipv6Report();
    const copied = fakeActions([r]);
    render(<ReportApp actions={copied} route={parseRoute('')} now={() => NOW} />);
    const table = await screen.findByRole('table', {
      name: 'UDP rules of the Desk phone profile over IPv4 and IPv6',
    });
    const srtp = table.querySelector('[data-row-id="desk-phone-srtp"]');
    expect(srtp?.getAttribute('data-ipv6-only')).toBe('true');
    expect(srtp?.querySelector('[data-family="IPv4"]')?.textContent).toContain('Open');
    expect(srtp?.querySelector('[data-family="IPv6"]')?.textContent).toContain('Blocked');
    expect(srtp?.textContent).toContain('blocked over IPv6 only');
    expect(table.querySelectorAll('[data-ipv6-only]').length).toBe(1);
    expect(screen.getByText(/probed again on the relay's IPv6 address \(2001:db8:113:x\)/)).toBeTruthy();
    // The address in full is nowhere on the page: the port check's evidence leaves the IPv6 pass to the table.
    expect(document.body.textContent).not.toContain(RELAY_ADDRESS6);
    fireEvent.click(screen.getByRole('button', { name: 'Copy as text' }));
    await waitFor(() => expect(copied.copyText).toHaveBeenCalled());
    expect(copied.copyText.mock.calls[0]?.[0]).toContain(
      'Firewall over IPv6 (Desk phone, UDP rows, relay address 2001:db8:113:x)',
    );
    cleanup();

    const restore = useBrowserLanguage('de');
    try {
      render(<ReportApp actions={fakeActions([r])} route={parseRoute('')} now={() => NOW} />);
      const de = await screen.findByRole('table', {
        name: 'UDP-Regeln des Profils Tischtelefon über IPv4 und IPv6',
      });
      expect(de.querySelector('[data-row-id="desk-phone-srtp"]')?.textContent).toContain(
        'nur über IPv6 blockiert',
      );
      expect(screen.getByRole('heading', { name: 'Über IPv6' })).toBeTruthy();
    } finally {
      restore();
    }
  });

  it('says IPv6 was not tested where this computer did not reach the relay over it', async () => {
    render(
      <ReportApp
        actions={fakeActions([ipv6Report(() => 'blocked', 'no-ipv6-path')])}
        route={parseRoute('')}
        now={() => NOW}
      />,
    );
    await screen.findByRole('heading', { name: 'Over IPv6' });
    expect(document.querySelector('[data-field="ipv6-outcome"]')?.textContent).toBe(
      'IPv6 not tested: this computer did not reach the relay over IPv6.',
    );
    expect(document.querySelector('[data-table="ipv6-rows"]')).toBeNull();
  });

  it('names the JSON file by day and verdict', () => {
    expect(reportFileName(report())).toBe('secure-voice-check-2026-11-21-ready.json');
  });
});

describe('report page route', () => {
  it('reads a run id or the checklist from the hash', () => {
    expect(parseRoute('#run=a%2Fb')).toEqual({ runId: 'a/b', section: null });
    expect(parseRoute('#checklist')).toEqual({ runId: null, section: 'checklist' });
    expect(parseRoute('#run=%E0%A4%A')).toEqual({ runId: null, section: null });
    expect(parseRoute('')).toEqual({ runId: null, section: null });
  });
});

describe('popup links', () => {
  it('shows the checklist count and opens the report page on it', async () => {
    const openPage = vi.fn(async (_path: string) => undefined);
    const actions: ExtensionActions = {
      getState: async () => idle(report()),
      runCheck: async () => undefined,
      subscribe: () => () => undefined,
      openPage,
      getConfirmations: async () => ({ 'strong-passwords': new Date().toISOString() }),
    };
    render(<PopupApp actions={actions} autoRun={false} />);
    const link = await screen.findByRole('button', { name: /^Checklist: \d+ of 14 done$/ });
    fireEvent.click(link);
    expect(openPage).toHaveBeenCalledWith('report/report.html#checklist');
    fireEvent.click(screen.getByRole('button', { name: 'Full report' }));
    expect(openPage).toHaveBeenLastCalledWith('report/report.html');
    fireEvent.click(screen.getByRole('button', { name: 'Test my headset' }));
    expect(openPage).toHaveBeenLastCalledWith('device/device.html');
  });
});
