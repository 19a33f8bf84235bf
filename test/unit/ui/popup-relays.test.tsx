// @vitest-environment happy-dom
/**
 * With relays compared, the popup's media figures say which relay they came from and which relay is
 * recommended, in English and German; without a comparison the figures stay as they were.
 */
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../popup/app.tsx';
import type { Report } from '../../../src/protocol/report.ts';
import type { ExtensionActions } from '../../../src/ui/actions.ts';
import { regions, report } from '../../fakes/report.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const actions = (last: Report): ExtensionActions => ({
  getState: async () => ({ status: 'idle', runId: null, startedAt: null, progress: [], last }),
  runCheck: async () => undefined,
  subscribe: () => () => undefined,
  openPage: async () => undefined,
  getConfirmations: async () => ({}),
});

/** The media figures as a user reads them: each label with its value. */
async function figures(last: Report, done: string): Promise<string[][]> {
  render(<App actions={actions(last)} autoRun={false} />);
  await screen.findByText(done);
  const dl = document.querySelector('.media-summary dl');
  return [...(dl?.querySelectorAll('dt') ?? [])].map((dt) => [
    dt.textContent ?? '',
    dt.nextElementSibling?.textContent ?? '',
  ]);
}

let restore: () => void = () => undefined;
afterEach(() => {
  cleanup();
  restore();
});

describe('popup media figures with relays compared', () => {
  it('name the configured relay the figures came from, then the recommended one', async () => {
    restore = useBrowserLanguage('en');
    const rows = await figures(report({ regions: regions() }), 'Check complete.');
    expect(rows.slice(0, 2)).toEqual([
      ['Relay', 'Paris'],
      ['Recommended relay', 'Frankfurt'],
    ]);
    expect(rows.map(([label]) => label)).toContain('Call quality');
  });

  it('say so when the configured relay is the recommended one, or none could be measured', async () => {
    restore = useBrowserLanguage('en');
    const same = regions({ recommended: 'https://relay.example:8443' });
    expect((await figures(report({ regions: same }), 'Check complete.'))[1]).toEqual([
      'Recommended relay',
      'Paris (this one)',
    ]);
    cleanup();
    const none = regions({ recommended: null });
    expect((await figures(report({ regions: none }), 'Check complete.'))[1]).toEqual([
      'Recommended relay',
      'none (no relay could be measured)',
    ]);
  });

  it('in German', async () => {
    restore = useBrowserLanguage('de');
    const rows = await figures(report({ regions: regions() }), 'Prüfung abgeschlossen.');
    expect(rows.slice(0, 2)).toEqual([
      ['Relay', 'Paris'],
      ['Empfohlenes Relay', 'Frankfurt'],
    ]);
  });

  it('are unchanged without a comparison', async () => {
    restore = useBrowserLanguage('en');
    const rows = await figures(report(), 'Check complete.');
    expect(rows[0]?.[0]).toBe('Encrypted');
    expect(document.querySelector('[data-field="relay"]')).toBeNull();
  });
});
