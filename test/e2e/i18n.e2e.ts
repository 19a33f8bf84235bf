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
import { closedPort, type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
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
      /^Relay über IPv4 mit TLSv1\.3 in \d+ ms erreicht\.$/,
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

  it('the popup and the report say a failing run in German, the deciding check quoted in German', async () => {
    const down = `https://127.0.0.1:${await closedPort()}`;
    const host = new URL(down).host;
    const options = await browser.openPage('options/options.html');
    await request(options, { type: 'saveSettings', settings: { relayUrl: down, targets: [] } });
    await options.close();
    try {
      const popup = await browser.context.newPage();
      await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
      await popup.locator('[data-verdict="blocked"]').waitFor({ timeout: 15_000 });
      await popup.locator('.status[data-running="false"]').waitFor({ timeout: 30_000 });
      expect(await popup.locator('.verdict-label').textContent()).toBe('Blockiert');
      const refused = `Verbindung von ${host} abgelehnt: Dort wartet kein Dienst, oder eine Firewall weist die Verbindung ab. Prüfen Sie, ob der Dienst läuft und der Port offen ist.`;
      expect(await popup.getByRole('alert').textContent()).toBe(
        `Blockiert: „HTTPS zum Relay“ ist fehlgeschlagen. ${refused}`,
      );
      const summary = (id: string) => popup.locator(`[data-check-id="${id}"] .check-summary`).textContent();
      expect(await popup.locator('[data-check-id="relay-https"] .check-title').textContent()).toBe(
        'HTTPS zum Relay',
      );
      expect(await summary('relay-https')).toBe(refused);
      // A nested message: why the media stage failed, in German inside the German sentence.
      expect(await summary('secure-media')).toBe(
        `Der Test für verschlüsselte Medien mit ${host} konnte nicht eingerichtet werden (WSS abgelehnt). Prüfen Sie, ob WSS zum Relay funktioniert, und führen Sie die Prüfung dann erneut aus.`,
      );
      expect(await summary('port-matrix')).toMatch(
        new RegExp(`^Das Relay unter ${host.replace(/\./g, '\\.')} konnte nicht`),
      );
      await popup.close();

      const report = await browser.openPage('report/report.html');
      await report.locator('[data-verdict="blocked"]').waitFor({ timeout: 10_000 });
      expect(await report.locator('.verdict-headline').textContent()).toBe(
        `Blockiert: „HTTPS zum Relay“ ist fehlgeschlagen. ${refused}`,
      );
      // WSS to a closed port: Chromium names no reason for a WebSocket, so either the refusal or "no detail".
      expect(await report.locator('[data-check-id="relay-wss"] .check-summary').textContent()).toMatch(
        /^(Keine Verbindung zu|Verbindung von) 127\.0\.0\.1:\d+[ ;]/,
      );
      // The checklist's evidence from this run, in German.
      const tls = report.locator('[data-item-id="encrypted-web-session"]');
      expect(await tls.getAttribute('data-status')).toBe('attention');
      expect(await tls.locator('.checklist-detail').textContent()).toBe(
        ' HTTPS mit TLS 1.2 oder neuer hat bei der letzten Prüfung nicht funktioniert.',
      );
      // The stored report (copied as text, downloaded as JSON, shared) stays English for support.
      const state = (await request(report, { type: 'getState' })) as { last: { headline: string } };
      const text = state.last.headline;
      expect(text).toBe(
        `Blocked: HTTPS to the relay failed. Connection refused by ${host}: nothing is listening there, or a firewall rejects it. Check that the service is running and the port is open.`,
      );
      await report.close();
    } finally {
      const restore = await browser.openPage('options/options.html');
      await request(restore, { type: 'saveSettings', settings: { relayUrl: relay.url, targets: [] } });
      await restore.close();
    }
  });
});
