/**
 * Firefox ESR in German with an enterprise policy: the `3rdparty.Extensions.<add-on id>` policy in
 * policies.json reaches the add-on's storage.managed and locks the relay URL and the profile on the options
 * page, and the popup runs the check against the policy's relay and speaks German (Debian's
 * firefox-esr-l10n-de language pack, `intl.locale.requested = de`).
 */
import { describe, expect, it } from 'vitest';
import { FIREFOX_ADDON_ID } from '../../src/cli/firefox.ts';
import { popupVerdict, useFirefoxSession, waitInPage } from './harness/firefox-session.ts';

const session = useFirefoxSession({
  launch: (relay) => ({
    policies: {
      '3rdparty': { Extensions: { [FIREFOX_ADDON_ID]: { relayUrl: relay.url, profile: 'desk-phone' } } },
    },
    extraPrefs: { 'intl.locale.requested': 'de' },
  }),
});

describe('Firefox ESR with a policy, in German', () => {
  it('the options page shows the policy’s relay and profile locked, “set by your organization”, in German', async () => {
    const page = await session.firefox.openPage('options/options.html');
    await waitInPage(
      page,
      (url) => (document.querySelector('#relay-url') as HTMLInputElement | null)?.value === url,
      session.relay.url,
      10_000,
      'the policy’s relay URL',
    );
    const fields = await page.evaluate(() =>
      ['relay-url', 'profile'].map((id) => {
        const input = document.getElementById(id) as HTMLInputElement;
        return {
          id,
          disabled: input.disabled,
          describedBy: input.getAttribute('aria-describedby') ?? '',
          note: document.getElementById(`${id}-locked`)?.textContent,
        };
      }),
    );
    for (const f of fields) {
      expect(f.disabled, f.id).toBe(true);
      expect(f.describedBy, f.id).toContain(`${f.id}-locked`);
      expect(f.note, f.id).toBe('Von Ihrer Organisation festgelegt');
    }
    expect(
      await page.evaluate(() => (document.getElementById('quick-duration') as HTMLInputElement).disabled),
    ).toBe(false);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await page.close();
  });

  it('the popup runs the check against the policy’s relay and says it in German', async () => {
    const popup = await session.firefox.openPage('popup/popup.html');
    expect(await popupVerdict(popup)).toBe('ready');
    const text = await popup.evaluate(() => ({
      lang: document.documentElement.lang,
      status: document.querySelector('[role="status"]')?.textContent,
      label: document.querySelector('.verdict-label')?.textContent,
      headline: document.querySelector('.verdict-headline')?.textContent,
      encrypted: document.querySelector('[data-field="encrypted"]')?.textContent,
    }));
    expect(text).toMatchObject({ lang: 'de', status: 'Prüfung abgeschlossen.', label: 'Bereit' });
    expect(text.headline).toMatch(/^Bereit für Secure Voice: /);
    expect(text.encrypted).toMatch(/^Ja \(SRTP_/);
    await popup.close();
  });
});
