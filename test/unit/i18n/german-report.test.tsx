// @vitest-environment happy-dom
/**
 * The report page and its "Share with support" panel rendered as a browser whose UI language is German:
 * chrome.i18n answers from _locales/de, as Chrome does for such a user.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReportApp } from '../../../report/app.tsx';
import { parseRoute } from '../../../report/route.ts';
import type { Report } from '../../../src/protocol/report.ts';
import type { SharedRecord } from '../../../src/share/shared-record.ts';
import type { ShareOutcome } from '../../../src/share/upload.ts';
import type { ReportActions } from '../../../src/ui/actions.ts';
import { blockedPortsReport, report } from '../../fakes/report.ts';
import { useBrowserLanguage } from './fake-browser-i18n.ts';

const NOW = Date.parse('2026-11-21T12:05:00Z');

function fakeActions(history: Report[], outcomes: ShareOutcome[], shared: SharedRecord[] = []) {
  return {
    getState: async () => ({
      status: 'idle' as const,
      runId: null,
      startedAt: null,
      progress: [],
      last: history[0] ?? null,
    }),
    subscribe: () => () => undefined,
    getHistory: async () => history,
    subscribeHistory: () => () => undefined,
    getConfirmations: async () => ({}),
    subscribeConfirmations: () => () => undefined,
    setConfirmation: async () => ({}),
    copyText: vi.fn(async (_text: string) => undefined),
    download: vi.fn((_name: string, _content: string, _type: string) => undefined),
    getShareSettings: async () => ({
      relayUrl: 'https://relay.example:8443',
      includeFullAddresses: false,
      fullAddressesLocked: true,
    }),
    share: vi.fn(
      async (_runId: string, _relayUrl: string, _body: string): Promise<ShareOutcome> =>
        outcomes.shift() ?? { ok: false, message: 'no outcome left' },
    ),
    getShared: async () => shared,
    subscribeShared: () => () => undefined,
  } satisfies ReportActions;
}

let restore: () => void = () => undefined;
beforeEach(() => {
  restore = useBrowserLanguage('de');
});
afterEach(() => {
  cleanup();
  restore();
  document.title = '';
  document.documentElement.lang = 'en';
});

describe('the report page in German', () => {
  it('titles, headings, buttons, statuses and the history speak German', async () => {
    const latest = blockedPortsReport('run-2');
    const older = report({ runId: 'run-1', finishedAt: '2026-11-20T09:00:00.000Z', media: null });
    const actions = fakeActions([latest, older], []);
    render(<ReportApp actions={actions} route={parseRoute('#run=run-1')} now={() => NOW} />);
    await screen.findByRole('heading', { name: 'Secure Voice Check – Bericht' });
    expect(document.title).toBe('Secure Voice Check – Bericht');
    expect(document.documentElement.lang).toBe('de');
    for (const heading of [
      'Prüfungen',
      'Firewall-Ports',
      'Verschlüsselte Medien',
      'NAT',
      'TLS',
      'Mit dem Support teilen',
      'Sicherheits-Checkliste',
      'Verlauf',
    ])
      expect(screen.getByRole('heading', { name: heading }), heading).toBeTruthy();
    expect(screen.getByRole('article', { name: 'Prüfergebnis' })).toBeTruthy();
    expect(screen.getByText('Dies ist eine frühere Prüfung.', { exact: false })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Neueste Prüfung anzeigen' })).toBeTruthy();
    expect(document.getElementById('ports')?.textContent).toContain('Bei dieser Prüfung nicht gemessen.');
    const meta = [...document.querySelectorAll('.report-meta dt')].map((dt) => dt.textContent);
    expect(meta).toEqual(['Abgeschlossen', 'Relay', 'Browser', 'Erweiterung', 'Prüfungs-ID']);
    // The date follows the messages' language, as the history's dates do.
    expect(document.querySelector('.report-meta dd')?.textContent).toMatch(
      /^\d{1,2}\.\d{1,2}\.2026, \d\d:\d\d:\d\d$/,
    );
    expect(document.querySelector('[data-field="checklist-count"]')?.textContent).toMatch(
      /^\d+ von 14 erledigt\. Gemessene Einträge richten sich nach der letzten Prüfung\.$/,
    );
    expect(document.querySelector('.report-aside .hint')?.textContent).toBe(
      'Die letzten 2 Prüfungen, neueste zuerst.',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Als Text kopieren' }));
    await waitFor(() =>
      expect(screen.getAllByRole('status')[0]?.textContent).toBe(
        'Der Bericht wurde als Text in die Zwischenablage kopiert.',
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'JSON herunterladen' }));
    expect(screen.getAllByRole('status')[0]?.textContent).toBe(
      'secure-voice-check-2026-11-20-ready.json wird heruntergeladen.',
    );

    const text = document.body.textContent ?? '';
    for (const english of [
      'Secure Voice Check report',
      'Copy as text',
      'Download JSON',
      'Security checklist',
      'History',
      'newest first',
      'earlier check',
      'Not measured',
      'Share with support',
      'Sends this report',
      'Finished',
      'Run id',
    ])
      expect(text, english).not.toContain(english);
  });

  it('shares with support in German: preview, locked choice, failure, retry and the code', async () => {
    const latest = blockedPortsReport('run-2');
    const actions = fakeActions(
      [latest],
      [
        { ok: false, message: 'Could not reach the relay at relay.example:8443 (Failed to fetch).' },
        {
          ok: true,
          response: {
            code: 'ABCD2345',
            id: 'AAAAAAAAAAAAAAAAAAAAAA',
            url: 'https://relay.example:8443/console/r/ABCD2345',
            expiresAt: '2026-12-21T12:00:00.000Z',
          },
        },
      ],
      [
        {
          runId: 'run-2',
          code: 'WXYZ2345',
          url: 'https://relay.example:8443/console/r/WXYZ2345',
          expiresAt: '2026-12-21T12:00:00.000Z',
          sharedAt: '2026-11-21T12:01:00.000Z',
          redaction: 'default',
        },
      ],
    );
    render(<ReportApp actions={actions} route={parseRoute('')} now={() => NOW} />);
    await waitFor(() =>
      expect(document.querySelector('[data-field="shared-before"]')?.textContent).toMatch(
        /^Am \d{1,2}\.\d{1,2}\.2026, \d\d:\d\d:\d\d als WXYZ-2345 geteilt \(der Support kann den Bericht bis \d{1,2}\.\d{1,2}\.2026, \d\d:\d\d:\d\d öffnen\)$/,
      ),
    );
    expect(document.querySelector('[data-field="shared-before"] .code')?.textContent).toBe('WXYZ-2345');
    expect(screen.getByText(/^Sendet diesen Bericht an das Relay/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Mit dem Support teilen' }));
    await screen.findByText('relay.example:8443', { selector: 'strong' });
    expect(document.querySelector('.share-form p')?.textContent).toBe(
      'Genau dies wird an relay.example:8443 gesendet. Nichts verlässt diesen Computer, bevor Sie auf „An den Support senden“ klicken.',
    );
    const box = (await screen.findByRole('checkbox', {
      name: 'Vollständige IP-Adressen mitsenden',
    })) as HTMLInputElement;
    expect(box.disabled).toBe(true);
    expect(document.getElementById('share-full-hint')?.textContent).toBe(
      'Private Adressen werden entfernt und öffentliche gekürzt (203.0.113.x); die Adresse des Relays selbst bleibt erhalten. Dies hat Ihre IT-Administration festgelegt.',
    );
    expect(screen.getByRole('region', { name: 'Was gesendet wird' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Abbrechen' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'An den Support senden' }));
    await screen.findByRole('button', { name: 'Erneut versuchen' });
    const alert = document.querySelector('[data-field="share-error"]') as HTMLElement;
    expect(alert.getAttribute('role')).toBe('alert');
    // Why the upload failed comes from the upload (English for now); what the user can do is German.
    expect(alert.textContent).toMatch(
      / Es ist nichts verloren gegangen: Der Bericht ist noch auf diesem Computer\. Versuchen Sie es erneut, oder laden Sie ihn herunter und senden Sie die Datei an den Support\.$/,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Herunterladen' }));
    expect(actions.download.mock.calls[0]?.[0]).toBe(
      'secure-voice-check-2026-11-21-blocked-for-support.json',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Erneut versuchen' }));

    await screen.findByText('ABCD-2345');
    expect(
      screen.getByText('Geteilt. Lesen Sie diesen Code Ihrem Ansprechpartner beim Support vor:'),
    ).toBeTruthy();
    expect(document.querySelector('[data-field="share-link"]')?.parentElement?.textContent).toBe(
      'Link für den Support: https://relay.example:8443/console/r/ABCD2345',
    );
    expect(
      screen.getByText(
        /^Der Support kann den Bericht bis \d{1,2}\.\d{1,2}\.2026, \d\d:\d\d:\d\d öffnen; danach löscht das Relay ihn\.$/,
      ),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Code kopieren' }));
    await screen.findByText('Code kopiert.');
    fireEvent.click(screen.getByRole('button', { name: 'Link kopieren' }));
    await screen.findByText('Link kopiert.');
    expect(actions.copyText).toHaveBeenLastCalledWith('https://relay.example:8443/console/r/ABCD2345');
  });
});
