/**
 * Sharing with support end to end: a real check by the built extension in Debian Chromium against the relay
 * process (with probe ports, so the report has port rows), shared from the report page; then the support
 * console, signed in with a token, finds the same verdict and port rows by the code. Also a failed upload
 * (nothing lost: Retry and Download) and `npm run check -- --share`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { request, runCheckInExtension } from '../../src/cli/drive-extension.ts';
import type { Report } from '../../src/protocol/report.ts';
import { CODE_ALPHABET } from '../../src/protocol/share.ts';
import { closedPort, type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';
import { consoleJson, signInToConsole } from './harness/support-console.ts';

const TOKEN = 'e2e-support-token-0123456789abcdef';
const RUN_TIMEOUT_MS = 60_000;
const CODE = new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`);
/** Dotted IPv4 addresses that are not a URL's host (the relay's own, kept in its URLs). */
const IPV4_OUTSIDE_URLS = /(?<![\d.]|:\/\/)\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b(?!\.\d)/g;
const outsideUrls = (text: string) =>
  (text.match(IPV4_OUTSIDE_URLS) ?? []).filter((a) => !/\.0\.0\.0$/.test(a));

let relay: RelayProcess;
let browser: ExtensionBrowser;
let driver: Page;
let report: Report;
let sharedCode = '';

async function saveRelay(url: string): Promise<void> {
  await request(driver, {
    type: 'saveSettings',
    settings: { relayUrl: url, targets: [], profile: 'desk-phone' },
  });
}

async function openShare(runId: string, relayUrl = relay.url): Promise<Page> {
  const page = await browser.openPage(`report/report.html#run=${encodeURIComponent(runId)}`);
  await page.locator(`.report-view[data-run-id="${runId}"]`).waitFor();
  await page.getByRole('button', { name: 'Share with support' }).click();
  await page.locator('[data-field="share-preview"]').waitFor();
  await page.getByText(`sent to ${new URL(relayUrl).host}`).waitFor();
  return page;
}

const preview = (page: Page) => page.locator('[data-field="share-preview"]').textContent() as Promise<string>;

beforeAll(async () => {
  relay = await startRelayProcess(['--support-tokens', `alice:${TOKEN}`, ...probePortFlags()]);
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [relay.spkiSha256],
  });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  driver = await browser.openPage('options/options.html');
  report = await runCheckInExtension(
    driver,
    { relayUrl: relay.url, targets: [], profile: 'desk-phone' },
    'quick',
    RUN_TIMEOUT_MS,
  );
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('share with support', () => {
  it('ran a check with port rows and full addresses kept on this computer', () => {
    expect(report.ports.length).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.id === 'relay-https')?.data.clientAddress).toMatch(/127\.0\.0\.1$/);
  });

  it('previews exactly what is sent: redacted by default, full addresses only when ticked', async () => {
    const page = await openShare(report.runId);
    const redacted = await preview(page);
    expect(JSON.parse(redacted)).toMatchObject({ redaction: 'default', report: { runId: report.runId } });
    expect(outsideUrls(redacted)).toEqual([]);
    expect(redacted).toContain('"clientAddress": "loopback-address"');
    expect(redacted).toContain(`"relayUrl": "${relay.url}"`);

    const box = page.getByRole('checkbox', { name: 'Include full IP addresses' });
    await box.check();
    await expect.poll(() => preview(page)).toContain('"redaction": "full-addresses"');
    const full = await preview(page);
    expect(outsideUrls(full)).toContain('127.0.0.1');
    expect(JSON.parse(full).report).toEqual(report);
    await box.uncheck();
    await expect.poll(() => preview(page)).toBe(redacted);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);

    await page.getByRole('button', { name: 'Send to support' }).click();
    const code = page.locator('[data-field="share-code"]');
    await code.waitFor();
    sharedCode = ((await code.textContent()) ?? '').trim();
    expect(sharedCode).toMatch(CODE);
    expect(await code.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono/i);
    expect(await page.locator('[data-field="share-link"]').textContent()).toBe(
      `${relay.url}/console/r/${sharedCode.replace('-', '')}`,
    );
    await page.getByRole('button', { name: 'Copy code' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(sharedCode);
    // The code stays with the run: it can be read out again later.
    await page.reload();
    await expect.poll(() => page.locator('[data-field="shared-before"]').textContent()).toContain(sharedCode);
    await page.close();
  });

  it('lets support find the same verdict and port rows by the code in the console', async () => {
    expect(sharedCode).toMatch(CODE);
    const page = await browser.context.newPage();
    await signInToConsole(page, relay.url, 'alice', TOKEN);
    // Typed as a person would read it: lower case, with the dash.
    await page.getByLabel('Code').fill(sharedCode.toLowerCase());
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.waitForURL(`**/console/r/${sharedCode.replace('-', '')}`);
    expect((await page.locator('p.verdict').textContent())?.trim()).toBe(report.verdict);
    const portTable = page
      .locator('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Reason' }) });
    const rows = await portTable
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
    expect(rows.map(([, row, , port, status]) => `${row} ${port} ${status}`)).toEqual(
      report.ports.map((p) => `${p.row} ${p.transport.toUpperCase()} ${p.port} ${p.status}`),
    );
    const checkRows = await page
      .locator('table')
      .first()
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
      );
    expect(checkRows).toEqual(report.checks.map((c) => [c.title, c.status]));
    // The JSON view, with the same session: the stored report is the redacted preview, nothing else.
    const api = await consoleJson(page, sharedCode.replace('-', ''));
    expect(api.status).toBe(200);
    const stored = api.body as { redaction: string; report: Report };
    expect(stored.redaction).toBe('default');
    expect(stored.report.ports).toEqual(report.ports);
    expect(stored.report.verdict).toBe(report.verdict);
    expect(outsideUrls(JSON.stringify(stored.report))).toEqual([]);
    await page.close();
  });

  it('keeps the report when the upload fails, offering Retry and Download', async () => {
    const closed = `https://127.0.0.1:${await closedPort()}`;
    await saveRelay(closed);
    const page = await openShare(report.runId, closed);
    await page.getByRole('button', { name: 'Send to support' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /Could not reach the relay at 127\.0\.0\.1:\d+ .*Nothing was lost/,
    );
    expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^secure-voice-check-\d{4}-\d{2}-\d{2}-\w+-for-support\.json$/,
    );
    expect(await readFile(await download.path(), 'utf8')).toBe(await preview(page));
    // Still in the history and on the page.
    expect(await page.locator(`.history li[data-run-id="${report.runId}"]`).count()).toBe(1);
    expect(await page.locator('.report-view').getAttribute('data-run-id')).toBe(report.runId);
    // With the relay URL fixed, Retry sends the same body.
    await saveRelay(relay.url);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-field="share-code"]').waitFor();
    expect(((await page.locator('[data-field="share-code"]').textContent()) ?? '').trim()).toMatch(CODE);
    await page.close();
  });
});

describe('npm run check -- --share', () => {
  it('prints the support code and exits with the verdict’s code; the console finds it', async () => {
    const r = await runCli(['--relay', relay.url, '--ca-cert', relay.certFile, '--share']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const code = /^Support code: (\S+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(code).toMatch(CODE);
    expect(r.stdout).toContain(`Link for support: ${relay.url}/console/r/${code.replace('-', '')}`);
    const page = await browser.context.newPage();
    await page.goto(`${relay.url}/healthz`);
    const api = await consoleJson(page, code, `alice:${TOKEN}`);
    expect(api.status).toBe(200);
    const stored = api.body as { redaction: string; report: Report };
    expect(stored).toMatchObject({ redaction: 'default', report: { verdict: 'ready' } });
    expect(outsideUrls(JSON.stringify(stored.report))).toEqual([]);
    await page.close();
  });

  it('saves what it would have sent to a file it names when the upload fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-share-cli-'));
    try {
      const r = await runCli(['--relay', `https://127.0.0.1:${await closedPort()}`, '--share'], {}, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^check: could not share the report: Could not reach the relay at 127\.0\.0\.1:\d+/m,
      );
      const [file] = await readdir(dir);
      expect(file).toMatch(/-for-support\.json$/);
      expect(r.stderr).toContain(`saved what would have been sent to ${join(dir, file ?? '')}`);
      const saved = JSON.parse(await readFile(join(dir, file ?? ''), 'utf8'));
      expect(saved.redaction).toBe('default');
      expect(saved.report.verdict).toBe('blocked');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
