/**
 * The relay's landing page in Debian Chromium: what the check does, the install links from the relay's
 * configuration, and the web check (the same src/checks code, bundled for a page) running HTTPS, WSS, the
 * DTLS-SRTP loopback and the port matrix (TLS to the probe ports the page's CSP names, ICE to the STUN
 * responders) against the relay, then shared like the extension's report and found in the support console.
 * No CSP violations, no serious accessibility findings.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import type { Report } from '../../src/protocol/report.ts';
import { CODE_ALPHABET } from '../../src/protocol/share.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
import { SCREENSHOTS } from './harness/screenshots.ts';
import { consoleJson, signInToConsole } from './harness/support-console.ts';

const TOKEN = 'e2e-support-token-landing-0123456789';
const CHROME_STORE =
  'https://chromewebstore.google.com/detail/secure-voice-check/abcdefghijklmnopabcdefghijklmnop';
const CODE = new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`);

let relay: RelayProcess;
let browser: ExtensionBrowser;
let page: Page;
const problems: string[] = [];

async function axeFindings(p: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page: p }).analyze();
  return axe.violations
    .filter((x) => x.impact === 'serious' || x.impact === 'critical')
    .map((x) => `${x.id}: ${x.nodes.map((n) => n.target).join(' ')}`);
}

beforeAll(async () => {
  relay = await startRelayProcess([
    '--support-tokens',
    `alice:${TOKEN}`,
    '--extension-url-chrome',
    CHROME_STORE,
    ...probePortFlags(),
  ]);
  // The extension is loaded too (the launcher always loads it); the page does not use it.
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [relay.spkiSha256],
  });
  page = await browser.context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${relay.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('landing page', () => {
  it('says what the check does and links the configured store page', async () => {
    await page.getByRole('heading', { name: 'Secure Voice Check', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'What the check does' }).waitFor();
    const link = page.getByRole('link', { name: /Install for Chrome/ });
    expect(await link.getAttribute('href')).toBe(CHROME_STORE);
    expect(await page.getByRole('link', { name: /Install for Firefox/ }).count()).toBe(0);
    await page.getByText('What the web check leaves out').waitFor();
    expect(await axeFindings(page)).toEqual([]);
  });

  it('runs the web check from the button: HTTPS, WSS, encrypted media and the port matrix pass against the relay', async () => {
    await page.getByRole('button', { name: 'Run the check' }).click();
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor({ timeout: 40_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('ready');
    const status = (id: string) =>
      page.locator(`.report-view [data-check-id="${id}"]`).getAttribute('data-status');
    expect(await status('relay-https')).toBe('pass');
    expect(await status('relay-wss')).toBe('pass');
    expect(await status('secure-media')).toBe('pass');
    // Every probe port of the desk phone table, TCP through the page's CSP and UDP by ICE, from the page.
    expect(await status('port-matrix')).toBe('pass');
    expect(await page.locator('.report-view [data-check-id="port-matrix"]').textContent()).toMatch(
      /probed ports of the Desk phone profile are open/,
    );
    // The local relay's media port stands in for the desk phones' SRTP range, and says so.
    expect(await page.locator('.report-view [data-check-id="secure-media"]').textContent()).toMatch(
      /Media went to the relay's UDP port 56\d{3}, standing in for UDP 40000-49999 \(Desk phones media Secure Voice\)\./,
    );
    expect(await page.locator('.verdict-headline').textContent()).toMatch(
      /The web check cannot check your provider's other web hosts, nor name the cause of a failure; the extension can\.$/,
    );
    expect(problems).toEqual([]);
    expect(await axeFindings(page)).toEqual([]);
  });

  it('shares the web result the same way, and the console finds it', async () => {
    await page.getByRole('button', { name: 'Share with support' }).click();
    const preview = page.locator('[data-field="share-preview"]');
    await preview.waitFor();
    const sent = JSON.parse((await preview.textContent()) ?? '') as { redaction: string; report: Report };
    expect(sent.redaction).toBe('default');
    expect(sent.report.browser).toMatch(/^web page \(Chrome \d+\)$/);
    await page.getByRole('button', { name: 'Send to support' }).click();
    const codeEl = page.locator('[data-field="share-code"]');
    await codeEl.waitFor();
    const code = ((await codeEl.textContent()) ?? '').trim();
    expect(code).toMatch(CODE);
    expect(await axeFindings(page)).toEqual([]);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, 'landing-light.png'), fullPage: true });

    const api = await consoleJson(page, code, `alice:${TOKEN}`);
    expect(api.status).toBe(200);
    const stored = api.body as { report: Report };
    expect(stored.report).toEqual(sent.report);
    expect(stored.report.checks.find((c) => c.id === 'secure-media')?.status).toBe('pass');
    expect(stored.report.checks.find((c) => c.id === 'port-matrix')?.status).toBe('pass');
    expect(stored.report.ports.filter((p) => p.transport === 'tcp').map((p) => p.status)).not.toContain(
      'error',
    );

    const support = await browser.context.newPage();
    await signInToConsole(support, relay.url, 'alice', TOKEN);
    await support.getByLabel('Code').fill(code);
    await support.getByRole('button', { name: 'Look up' }).click();
    await support.waitForURL(`**/console/r/${code.replace('-', '')}`);
    expect((await support.locator('p.verdict').textContent())?.trim()).toBe('ready');
    await support.close();
    expect(problems).toEqual([]);
  });

  it('checks the ports of the profile the user picks: the mobile app, media standing in for its range', async () => {
    await page.getByLabel('Check the ports for').selectOption({ label: 'Mobile app' });
    await page.getByRole('button', { name: 'Run the check again' }).click();
    // The run replaces the previous result: wait for the new one.
    await page.locator('.report-view').waitFor({ state: 'detached', timeout: 10_000 });
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor({ timeout: 40_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('ready');
    const row = (id: string) => page.locator(`.report-view [data-check-id="${id}"]`);
    expect(await row('port-matrix').getAttribute('data-status')).toBe('pass');
    expect(await row('port-matrix').textContent()).toMatch(/probed ports of the Mobile app profile are open/);
    expect(await row('secure-media').textContent()).toMatch(
      /Media went to the relay's UDP port 56\d{3}, standing in for UDP 60000-64999 \(Mobile app media Secure Voice\)\./,
    );
    expect(problems).toEqual([]);
    expect(await axeFindings(page)).toEqual([]);
  });

  it("speaks German to a German browser: the page, the web check's own words and its result", async () => {
    const de = await browser.context.newPage();
    try {
      const errors: string[] = [];
      de.on('pageerror', (e) => errors.push(e.message));
      await de.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' });
      await de.goto(`${relay.url}/`);
      expect(await de.locator('html').getAttribute('lang')).toBe('de');
      await de.getByRole('heading', { name: 'Was die Prüfung macht' }).waitFor();
      await de.getByText('Was die Web-Prüfung auslässt').waitFor();
      await de.getByRole('button', { name: 'Prüfung starten' }).click();
      const verdict = de.locator('[data-verdict]');
      await verdict.waitFor({ timeout: 40_000 });
      expect(await verdict.getAttribute('data-verdict')).toBe('ready');
      expect(await de.locator('.verdict-headline').textContent()).toMatch(
        /Die Web-Prüfung kann die anderen Webhosts Ihres Anbieters nicht prüfen/,
      );
      expect(await de.getByRole('status').textContent()).toBe('Prüfung abgeschlossen.');
      // The media row's purpose in German too, not the provider's English words.
      expect(await de.locator('.report-view [data-check-id="secure-media"]').textContent()).toMatch(
        /stellvertretend für UDP 40000-49999 \(Medien der Tischtelefone, Secure Voice\)\./,
      );
      expect(await de.locator('body').textContent()).not.toMatch(/Run the check|What the check does/);
      expect(errors).toEqual([]);
      expect(await axeFindings(de)).toEqual([]);
    } finally {
      await de.close();
    }
  });
});
