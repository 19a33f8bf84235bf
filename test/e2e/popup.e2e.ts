/**
 * The popup as a user meets it, against a relay that stands in for every provider port: verdict, rows,
 * accessibility, screenshots, and a run that survives the popup closing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { request } from '../../src/cli/drive-extension.ts';
import type { Report } from '../../src/protocol/report.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import type { RelayProcess } from './harness/relay-process.ts';
import { SCREENSHOTS } from './harness/screenshots.ts';

const session = useExtensionSession({ relayArgs: probePortFlags() });
let relay: RelayProcess;
let browser: ExtensionBrowser;
beforeAll(async () => {
  ({ relay, browser } = session);
  const options = await browser.openPage('options/options.html');
  await request(options, { type: 'saveSettings', settings: { relayUrl: relay.url, targets: [] } });
  await options.close();
});

async function openPopup() {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 420, height: 640 });
  await page.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
  return page;
}

/**
 * Opening the popup starts a run: wait for that run's verdict, not the previous one's. With it, what the stored
 * report said, so a verdict other than the expected one names its cause in the failure.
 */
async function verdictOf(popup: Awaited<ReturnType<typeof openPopup>>) {
  await popup.locator('.status[data-running="true"]').waitFor({ timeout: 5000 });
  await popup.locator('.status[data-running="false"]').waitFor({ timeout: 30_000 });
  const verdict = popup.locator('[data-verdict]');
  await verdict.waitFor({ timeout: 5000 });
  const { last } = (await request(popup, { type: 'getState' })) as { last: Report | null };
  const why = [
    last?.headline,
    ...(last?.checks ?? []).filter((c) => c.status !== 'pass').map((c) => c.summary),
  ];
  return { verdict: await verdict.getAttribute('data-verdict'), why: why.join(' | ') };
}

describe('popup', () => {
  it('shows a ready verdict with a row per check, the media figures and the checklist status', async () => {
    const popup = await openPopup();
    const { verdict, why } = await verdictOf(popup);
    expect(verdict, why).toBe('ready');
    const rows = await popup
      .locator('.checks > li')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-check-id'), e.getAttribute('data-status')]));
    expect(rows).toEqual([
      ['relay-https', 'pass'],
      ['relay-wss', 'pass'],
      ['secure-media', 'pass'],
      ['port-matrix', 'pass'],
    ]);
    expect(await popup.locator('[data-field="encrypted"]').textContent()).toMatch(/^Yes/);
    expect(await popup.getByRole('button', { name: /Checklist: \d+ of 14 done/ }).count()).toBe(1);
    await popup.close();
  });

  it('has no serious or critical accessibility violations, light and dark, and saves screenshots', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const popup = await openPopup();
    const { verdict, why } = await verdictOf(popup);
    expect(verdict, why).toBe('ready');
    for (const scheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme: scheme });
      const axe = await new AxeBuilder({ page: popup }).analyze();
      const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
      await popup.screenshot({ path: join(SCREENSHOTS, `popup-${scheme}.png`), fullPage: true });
    }
    await popup.close();
  });

  it('keeps running when the popup is closed: the result is stored and the badge shows it', async () => {
    const popup = await openPopup();
    await popup.locator('.status[data-running="true"]').waitFor({ timeout: 5000 });
    const { runId } = (await request(popup, { type: 'getState' })) as { runId: string };
    await popup.close();
    const probe = await browser.openPage('options/options.html');
    let last: Report | null = null;
    for (let i = 0; i < 200 && last?.runId !== runId; i++) {
      const state = (await request(probe, { type: 'getState' })) as { status: string; last: Report | null };
      if (state.status === 'idle') last = state.last;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(last?.runId).toBe(runId);
    expect(last?.verdict).toBe('ready');
    expect(await browser.worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('✓');
    await probe.close();
    const reopened = await openPopup();
    await reopened.locator('[data-verdict]').waitFor({ timeout: 30_000 });
    expect(await reopened.locator('.verdict-age').textContent()).toMatch(/Checked/);
    await reopened.close();
  });
});
