// @vitest-environment happy-dom
/**
 * The popup and the checklist rendered as a browser whose UI language is German shows them: chrome.i18n
 * answers from _locales/de, as Chrome does for such a user.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OptionsActions, OptionsApp } from '../../../options/app.tsx';
import { App as PopupApp } from '../../../popup/app.tsx';
import { evaluateChecklist } from '../../../src/checklist/evaluate.ts';
import { buildReport } from '../../../src/checks/build-report.ts';
import { classifyNat } from '../../../src/checks/ports/nat.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { effectiveSettings } from '../../../src/platform/policy.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { defaultSettings } from '../../../src/protocol/settings.ts';
import type { ExtensionActions } from '../../../src/ui/actions.ts';
import { ChecklistView } from '../../../src/ui/components/checklist-view.tsx';
import { useBrowserLanguage } from './fake-browser-i18n.ts';
import { passingResults } from './real-results.ts';

let results: CheckResult[] = [];
beforeAll(async () => {
  results = await passingResults();
}, 120_000);

const find = (id: string, reason: string) => {
  const r = results.find((c) => c.id === id && c.reason === reason);
  if (!r) throw new Error(`no ${id} ${reason}`);
  return r;
};

function readyReport(): Report {
  return buildReport(
    {
      runId: 'run-1',
      startedAt: new Date(Date.now() - 10_000).toISOString(),
      finishedAt: new Date(Date.now() - 5000).toISOString(),
      relayUrl: 'https://relay.example:8443',
      extensionVersion: '0.1.0',
      browser: 'chrome',
    },
    [
      find('relay-https', 'ok'),
      find('relay-wss', 'ok'),
      find('secure-media', 'ok'),
      find('port-matrix', 'ok'),
    ],
  );
}

const popupActions = (last: Report): ExtensionActions => ({
  getState: async () => ({ status: 'idle', runId: null, startedAt: null, progress: [], last }),
  runCheck: async () => undefined,
  subscribe: () => () => undefined,
  openPage: async () => undefined,
  getConfirmations: async () => ({}),
});

let restore: () => void = () => undefined;
beforeEach(() => {
  restore = useBrowserLanguage('de');
});
afterEach(() => {
  cleanup();
  restore();
});

describe('in German', () => {
  it('the popup shows its words, the verdict, the checks and the media figures in German', async () => {
    const report = readyReport();
    render(<PopupApp actions={popupActions(report)} autoRun={false} />);
    await screen.findByText('Prüfung abgeschlossen.');
    expect(document.documentElement.lang).toBe('de');
    expect(screen.getByRole('button', { name: 'Erneut prüfen' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Erweiterte Prüfung (30 s)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Vollständiger Bericht' })).toBeTruthy();
    await screen.findByRole('button', { name: /^Checkliste: \d+ von 14 erledigt$/ });
    expect(document.querySelector('[data-verdict="ready"] .verdict-label')?.textContent).toBe('Bereit');
    expect(document.querySelector('.verdict-headline')?.textContent).toBe(
      'Bereit für Secure Voice: HTTPS und WSS erreichen das Relay, verschlüsseltes Audio hat den Hin- und Rückweg geschafft, und die Ports des Anbieters sind offen.',
    );
    expect(document.querySelector('.verdict-age')?.textContent).toBe('Gerade eben geprüft');
    const row = (id: string) => document.querySelector(`[data-check-id="${id}"]`);
    expect(row('relay-https')?.querySelector('.check-title')?.textContent).toBe('HTTPS zum Relay');
    expect(row('relay-https')?.querySelector('.check-status')?.textContent).toBe('Bestanden');
    expect(row('relay-https')?.querySelector('.check-summary')?.textContent).toMatch(
      /^Relay über IPv4 mit TLSv1\.3 in \d+ ms erreicht\.$/,
    );
    expect(row('secure-media')?.querySelector('.check-summary')?.textContent).toMatch(
      /^Verschlüsseltes Audio \(SRTP_AES128_CM_HMAC_SHA1_80\) hat den Hin- und Rückweg geschafft: UDP\/IPv4, RTT 3,4 ms/,
    );
    expect(row('port-matrix')?.querySelector('.check-title')?.textContent).toBe(
      'Firewall: Ports des Anbieters',
    );
    expect(row('relay-wss')?.querySelector('.evidence')?.textContent).toContain('Dauer');
    expect(screen.getByRole('region', { name: 'Verschlüsselte Medien' })).toBeTruthy();
    expect(document.querySelector('[data-field="encrypted"]')?.textContent).toBe(
      'Ja (SRTP_AES128_CM_HMAC_SHA1_80)',
    );
    expect(document.querySelector('[data-field="rtt"]')?.textContent).toBe('3,4 ms');
    expect(document.querySelector('[data-field="mos"]')?.textContent).toBe('MOS 4,41 (ausgezeichnet)');
    const text = document.body.textContent ?? '';
    for (const english of [
      'Run again',
      'Check complete',
      'Full report',
      'Ready for',
      'Pass',
      'Encrypted audio',
    ])
      expect(text).not.toContain(english);
  });

  it('the checklist shows titles, reasons, statuses and details in German', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    const report: Report = {
      ...readyReport(),
      nat: classifyNat(
        [
          { relayPort: 1, providerPort: 1, remoteAddress: '203.0.113.7', remotePort: 5000 },
          { relayPort: 2, providerPort: 2, remoteAddress: '203.0.113.7', remotePort: 5000 },
        ],
        '203.0.113.7',
        ['192.168.1.2'],
      ),
    };
    const confirmations = {
      'strong-passwords': '2026-11-02T09:00:00.000Z',
      'change-passwords': '2026-01-02T09:00:00.000Z',
    };
    const { items } = evaluateChecklist(report, confirmations, now);
    render(<ChecklistView items={items} confirmations={confirmations} onToggle={() => undefined} />);
    const item = (id: string) => document.querySelector(`[data-item-id="${id}"]`);
    expect(item('strong-passwords')?.querySelector('.checklist-title')?.textContent).toBe(
      'Legen Sie starke Passwörter und PINs für Ihre Nebenstellen fest.',
    );
    expect(item('strong-passwords')?.querySelector('.checklist-status')?.textContent).toMatch(
      /Erledigt am 2\.11\.2026/,
    );
    expect(item('voip-encryption')?.querySelector('.checklist-status')?.textContent).toContain(
      'Durch die letzte Prüfung bestätigt Der Loopback hat SRTP_AES128_CM_HMAC_SHA1_80 ausgehandelt.',
    );
    expect(item('phones-behind-firewalls')?.textContent).toContain(
      'Dieser Computer befindet sich hinter NAT (eine Firewall bzw. ein Router übersetzt seine Adresse). Das NAT verwendet eine Zuordnung für alle Ziele (gut für Medien).',
    );
    expect(item('change-passwords')?.querySelector('.checklist-status')?.textContent).toContain(
      'Wieder fällig Zuletzt erledigt am 2.1.2026; alle 90 Tage wieder fällig.',
    );
    expect(item('review-usage')?.querySelector('.checklist-status')?.textContent).toContain(
      'Zu erledigen Alle 30 Tage wiederholen.',
    );
    expect(item('review-usage')?.querySelector('.checklist-done')?.textContent).toMatch(
      /^\s*Erledigt: Überprüfen Sie/,
    );
    const text = document.body.textContent ?? '';
    for (const english of ['Verified by', 'Needs attention', 'Done on', 'To do', 'Due again', 'Set strong'])
      expect(text).not.toContain(english);
  });

  it('the options page shows labels, policy notes and problems in German', async () => {
    const state = effectiveSettings(defaultSettings('https://relay.example.com:8443'), undefined, {
      profile: 'meetings',
      targets: ['http://plain.example'],
    });
    const actions: OptionsActions = {
      load: async () => state,
      save: async () => state,
      subscribe: () => () => undefined,
      requestAccess: async () => false,
      hasAccess: async () => false,
      subscribeAccess: () => () => undefined,
    };
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relay-URL');
    expect(document.title).toBe('Secure Voice Check – Einstellungen');
    expect(screen.getByRole('heading', { name: 'Von Ihrer Organisation verwaltet' })).toBeTruthy();
    expect(document.getElementById('profile-locked')?.textContent).toBe('Von Ihrer Organisation festgelegt');
    expect((screen.getByLabelText('Profil') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe(
      'Meetings',
    );
    expect(screen.getByRole('option', { name: 'Tischtelefon' })).toBeTruthy();
    expect(document.querySelector('.ignored-policy li')?.textContent).toBe(
      'Richtlinienwert ignoriert: targets (Eintrag 1: muss mit https:// beginnen)',
    );
    expect(
      screen.getByLabelText(
        'Ändern Sie die Passwörter und PIN-Codes der Nebenstellen in regelmäßigen Abständen (Tage)',
      ),
    ).toBeTruthy();
    fireEvent.input(document.getElementById('quick-duration') as HTMLInputElement, {
      target: { value: '0' },
    });
    fireEvent.submit(document.querySelector('form') as HTMLFormElement);
    await screen.findByText('Nicht gespeichert: Ein Feld muss korrigiert werden.');
    expect(document.getElementById('quick-duration-error')?.textContent).toBe(
      'Muss eine ganze Zahl zwischen 1 und 10 sein',
    );
    expect(document.querySelector('.relay-access')?.textContent).toContain(
      'Zugriff auf relay.example.com: nicht erteilt. Ohne Zugriff auf relay.example.com können Fehler nicht im Detail erklärt werden.',
    );
  });
});
