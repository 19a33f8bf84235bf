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
/** The newest run: what the report page opens on. */
const newest = () => runs.at(-1) as Report;

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
  // Three runs through the extension's own code, as the popup starts them: two quick ones, then an extended one
  // (10 s of per-second samples, for the chart), so the history has three entries.
  const driver = await browser.openPage('options/options.html');
  const settings = {
    relayUrl: relay.url,
    targets: [],
    profile: 'desk-phone' as const,
    extendedDurationS: 10,
  };
  runs.push(await runCheckInExtension(driver, settings, 'quick', RUN_TIMEOUT_MS));
  runs.push(await runCheckInExtension(driver, settings, 'quick', RUN_TIMEOUT_MS));
  runs.push(await runCheckInExtension(driver, settings, 'extended', RUN_TIMEOUT_MS));
  await driver.close();
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
});

describe('report page', () => {
  it('shows the latest verdict with every check, and the port and media sections it measured', async () => {
    const latest = newest();
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
    expect(text).toContain(`Secure Voice Check: ${newest().verdict.toUpperCase()}`);
    expect(text).toContain(newest().headline);
    await page.close();
  });

  it('downloads the JSON report the command line prints', async () => {
    const page = await openReport();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    const latest = newest();
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^secure-voice-check-\\d{4}-\\d{2}-\\d{2}-${latest.verdict}\\.json$`),
    );
    const json = await readFile(await download.path(), 'utf8');
    expect(json).toBe(JSON.stringify(latest, null, 2));
    expect(v.parse(ReportSchema, JSON.parse(json)).runId).toBe(latest.runId);
    await page.close();
  });

  it('lists the runs newest first and opens an older one', async () => {
    const page = await openReport();
    const links = page.locator('.history a');
    await expect.poll(() => links.count()).toBeGreaterThanOrEqual(2);
    const older = runs[0] as Report;
    expect(await page.locator('.history li').first().getAttribute('data-run-id')).toBe(newest().runId);
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

  it('draws the extended check and the history as charts with text alternatives, axe clean in both themes', async () => {
    const page = await openReport();
    await page.setViewportSize({ width: 1280, height: 900 });
    const media = page.getByRole('img', { name: 'Round trip, jitter and loss, second by second' });
    await media.waitFor();
    const samples = newest().media?.samples.length ?? 0;
    expect(samples).toBeGreaterThan(5);
    expect(await page.locator('#media-chart-summary').textContent()).toMatch(
      new RegExp(`^${samples} seconds: round trip \\d+–\\d+ ms, jitter up to \\d+ ms, loss in \\d+ of them`),
    );
    expect(await page.locator('[data-chart="media"] path.chart-rtt').getAttribute('d')).toMatch(
      /^M[\d.]+ [\d.]+L/,
    );
    // Loss per direction: the relay said what it received, so both directions are drawn and named.
    const { uplink, downlink } = newest().media?.loss ?? {};
    expect(uplink).toBeTruthy();
    expect(downlink).toBeTruthy();
    expect(await page.locator('#media-chart-summary').textContent()).toContain(
      `Loss over the whole run: uplink (this computer to the relay) ${uplink?.percent} % (95 % range`,
    );
    expect(await page.locator('#media-chart-summary').textContent()).toContain(
      `downlink (the relay back to this computer) ${downlink?.percent} % (95 % range`,
    );
    // And second by second: the relay counted by the second, so each direction is a series of its own, named
    // in the legend with the run's figure and summed up for screen readers.
    const perSecond = newest().media?.lossPerSecond ?? [];
    expect(perSecond.length).toBeGreaterThanOrEqual(5);
    for (const d of ['uplink', 'downlink']) {
      expect(
        await page
          .locator(`[data-chart="media"] svg[role="img"] .chart-series-${d} .chart-series-mark`)
          .count(),
      ).toBe(perSecond.filter((s) => s[d as 'uplink' | 'downlink'] !== null).length);
    }
    expect(await page.locator('[data-chart="media"] .chart-legend li').allTextContents()).toEqual(
      expect.arrayContaining([
        `↑ Uplink, each second (whole run: ${uplink?.percent} %)`,
        `↓ Downlink, each second (whole run: ${downlink?.percent} %)`,
      ]),
    );
    expect(await page.locator('#media-chart-summary').textContent()).toMatch(
      new RegExp(
        `Second by second \\(${perSecond.length} seconds\\): uplink loss [\\d.–]+ %, some loss in \\d+ of them; downlink loss [\\d.–]+ %, some loss in \\d+ of them\\.$`,
      ),
    );
    // The run's level lines give way to the series.
    expect(await page.locator('[data-chart="media"] .chart-direction-label').count()).toBe(0);
    const timeline = page.getByRole('img', { name: 'Verdicts and MOS of the last checks' });
    await timeline.waitFor();
    expect(await page.locator('[data-chart="history"] svg[role="img"] .chart-mark').count()).toBe(
      runs.length,
    );
    expect(await page.locator('#history-chart-summary').textContent()).toMatch(
      new RegExp(`^${runs.length} checks from .+ to .+, MOS [\\d.]+–[\\d.]+\\.`),
    );
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // The whole page in light (as the first test), the charts in dark too.
      const axe = await (scheme === 'light'
        ? new AxeBuilder({ page })
        : new AxeBuilder({ page }).include('[data-chart="media"]').include('[data-chart="history"]')
      ).analyze();
      expect(
        axe.violations.map((x) => `${scheme} ${x.id}: ${x.nodes.map((n) => n.target).join(' ')}`),
      ).toEqual([]);
      await page
        .locator('#media [data-chart="media"]')
        .screenshot({ path: join(SCREENSHOTS, `chart-media-${scheme}.png`) });
      await page
        .locator('[data-chart="history"]')
        .screenshot({ path: join(SCREENSHOTS, `chart-history-${scheme}.png`) });
    }
    await page.close();
  });

  it('exports the history as CSV and JSON', async () => {
    const page = await openReport();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export history (CSV)' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^secure-voice-check-history-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile(await csv.path(), 'utf8')).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^finishedAt,runId,verdict,/);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([...runs].reverse().map((r) => r.runId));
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export history (JSON)' }).click(),
    ]);
    const exported = v.parse(v.array(ReportSchema), JSON.parse(await readFile(await json.path(), 'utf8')));
    expect(exported.map((r) => r.runId)).toEqual([...runs].reverse().map((r) => r.runId));
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
