/**
 * The report page end to end: two real checks by the built extension in Debian Chromium against the relay
 * process, then the page that shows them: sections, copy, download, history, checklist, screenshots.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import { type Report, ReportSchema } from '../../src/protocol/report.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
import { SCREENSHOTS } from './harness/screenshots.ts';

const RUN_TIMEOUT_MS = 60_000;

let relay: RelayProcess;
let browser: ExtensionBrowser;
const runs: Report[] = [];

async function openReport(hash = ''): Promise<Page> {
  const page = await browser.openPage(`report/report.html${hash}`);
  await page.locator('h1').waitFor();
  return page;
}

beforeAll(async () => {
  relay = await startRelayProcess();
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [relay.spkiSha256],
  });
  // Chromium refuses a grant for the chrome-extension:// origin ("opaque"), so grant it to every page.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // Two runs through the extension's own code, as the popup starts them, so the history has two entries.
  const driver = await browser.openPage('options/options.html');
  const settings = { relayUrl: relay.url, targets: [], profile: 'desk-phone' as const };
  runs.push(await runCheckInExtension(driver, settings, 'quick', RUN_TIMEOUT_MS));
  runs.push(await runCheckInExtension(driver, settings, 'quick', RUN_TIMEOUT_MS));
  await driver.close();
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('report page', () => {
  it('shows the latest verdict with every check, and the port and media sections it measured', async () => {
    const latest = runs[1] as Report;
    const page = await openReport();
    await page.locator('[data-verdict]').waitFor();
    expect(await page.locator('.report-view').getAttribute('data-run-id')).toBe(latest.runId);
    expect(await page.locator('[data-verdict]').getAttribute('data-verdict')).toBe(latest.verdict);
    for (const c of latest.checks) {
      expect(await page.locator(`[data-check-id="${c.id}"]`).getAttribute('data-status')).toBe(c.status);
    }
    if (latest.ports.length > 0) {
      const table = page.getByRole('table', { name: /Firewall rules of the/ });
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-field="remediation"]').count()).toBe(1);
    } else {
      expect(await page.locator('#ports').textContent()).toContain('Not measured');
    }
    if (latest.media) {
      expect(await page.locator('#media').textContent()).toContain(latest.media.srtpCipher ?? 'Encrypted');
      expect(await page.locator('#media').textContent()).toContain('Setup timings');
    } else {
      expect(await page.locator('#media').textContent()).toContain('Not measured');
    }
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
    await page.close();
  });

  it('copies a text summary with the verdict to the clipboard and says so', async () => {
    const page = await openReport();
    await page.getByRole('button', { name: 'Copy as text' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Copied/);
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(text).toContain(`Secure Voice Check: ${(runs[1] as Report).verdict.toUpperCase()}`);
    expect(text).toContain((runs[1] as Report).headline);
    await page.close();
  });

  it('downloads the JSON report the command line prints', async () => {
    const page = await openReport();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    const latest = runs[1] as Report;
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^secure-voice-check-\\d{4}-\\d{2}-\\d{2}-${latest.verdict}\\.json$`),
    );
    const json = await readFile(await download.path(), 'utf8');
    expect(json).toBe(JSON.stringify(latest, null, 2));
    expect(v.parse(ReportSchema, JSON.parse(json)).runId).toBe(latest.runId);
    await page.close();
  });

  it('lists both runs newest first and opens the older one', async () => {
    const page = await openReport();
    const links = page.locator('.history a');
    await expect.poll(() => links.count()).toBeGreaterThanOrEqual(2);
    const older = runs[0] as Report;
    expect(await page.locator('.history li').first().getAttribute('data-run-id')).toBe(runs[1]?.runId);
    const olderLink = page.locator(`.history li[data-run-id="${older.runId}"] a`);
    await olderLink.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.report-view').getAttribute('data-run-id')).toBe(older.runId);
    expect(page.url()).toContain(`#run=${older.runId}`);
    expect(await page.getByText('This is an earlier check.').count()).toBe(1);
    expect(await olderLink.getAttribute('aria-current')).toBe('true');
    await page.close();
  });

  it('keeps a ticked checklist item across a reload, and unticking removes it', async () => {
    const page = await openReport('#checklist');
    const item = page.locator('[data-item-id="strong-passwords"]');
    const box = item.getByRole('checkbox');
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await expect.poll(() => item.getAttribute('data-status')).toBe('done');
    await page.reload();
    await expect.poll(() => item.getAttribute('data-status')).toBe('done');
    expect(await box.isChecked()).toBe(true);
    expect(await item.textContent()).toMatch(/Done on /);
    await box.uncheck();
    await expect.poll(() => item.getAttribute('data-status')).toBe('todo');
    await page.reload();
    await expect.poll(() => item.getAttribute('data-status')).toBe('todo');
    await box.check(); // left ticked so the screenshots show a done item
    await page.close();
  });

  it('takes light and dark screenshots', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const page = await openReport();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('[data-verdict]').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SCREENSHOTS, `report-${scheme}.png`), fullPage: true });
    }
    await page.close();
  });

  // Last: opening the popup starts another run.
  it('opens the report and its checklist from the popup', async () => {
    const popup = await browser.openPage('popup/popup.html');
    const link = popup.getByRole('button', { name: /^Checklist: \d+ of 14 done$/ });
    await link.waitFor({ timeout: 30_000 });
    const [tab] = await Promise.all([browser.context.waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`chrome-extension://${browser.extensionId}/report/report.html#checklist`);
    await tab.locator('#checklist').waitFor();
    await tab.close();
    await popup.close();
  });
});
