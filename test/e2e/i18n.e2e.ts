/**
 * The extension in German: Chromium started with --lang=de picks _locales/de for the extension's messages
 * (headless Chromium on Linux ignores LANGUAGE/LANG for this, and chrome.i18n.getUILanguage() still says en-US,
 * which is why numbers follow the catalogue's localeTag rather than the UI language). Saves the German popup
 * screenshot to check that the longer words fit.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { request } from '../../src/cli/drive-extension.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
import { SCREENSHOTS } from './harness/screenshots.ts';

let relay: RelayProcess;
let browser: ExtensionBrowser;

beforeAll(async () => {
  relay = await startRelayProcess(probePortFlags());
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [relay.spkiSha256],
    extraArgs: ['--lang=de'],
  });
  const options = await browser.openPage('options/options.html');
  await request(options, { type: 'saveSettings', settings: { relayUrl: relay.url, targets: [] } });
  await options.close();
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('in German', () => {
  it('the popup runs the check and says everything in German, and the screenshot is saved', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 420, height: 640 });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
    await popup.locator('.status[data-running="true"]').waitFor({ timeout: 5000 });
    await popup.locator('.status[data-running="false"]').waitFor({ timeout: 30_000 });
    await popup.locator('[data-verdict]').waitFor({ timeout: 5000 });
    expect(await popup.locator('[data-verdict]').getAttribute('data-verdict')).toBe('ready');
    expect(await popup.locator('html').getAttribute('lang')).toBe('de');
    expect(await popup.getByRole('status').textContent()).toBe('Prüfung abgeschlossen.');
    await popup.getByRole('button', { name: 'Erneut prüfen' }).waitFor();
    expect(await popup.getByRole('button', { name: /^Checkliste: \d+ von 14 erledigt$/ }).count()).toBe(1);
    expect(await popup.locator('.verdict-label').textContent()).toBe('Bereit');
    expect(await popup.locator('.verdict-headline').textContent()).toMatch(/^Bereit für Secure Voice: /);
    expect(await popup.locator('.verdict-age').textContent()).toBe('Gerade eben geprüft');
    expect(await popup.locator('[data-field="encrypted"]').textContent()).toMatch(/^Ja \(SRTP_/);
    expect(await popup.locator('[data-field="mos"]').textContent()).toMatch(
      /^MOS \d,\d+ \((ausgezeichnet|gut)\)$/,
    );
    expect(await popup.locator('[data-check-id="relay-https"] .check-summary').textContent()).toMatch(
      /^Relay über TLSv1\.3 in \d+ ms erreicht\.$/,
    );
    await popup.screenshot({ path: join(SCREENSHOTS, 'popup-de.png'), fullPage: true });
    // Longer German words must still fit the popup's width: nothing sticks out to the side.
    const overflow = await popup.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    // The toolbar button's tooltip is German too.
    expect(await browser.worker.evaluate(() => chrome.action.getTitle({}))).toBe(
      'Secure Voice Check: bereit für Secure Voice',
    );
    await popup.close();
  });
});
