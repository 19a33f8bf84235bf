import type { Page } from 'playwright-core';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { ReportSchema } from '../../src/protocol/report.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import { closedPort, type RelayProcess, startRelayProcess } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';

const session = useExtensionSession();
let relay: RelayProcess;
let browser: ExtensionBrowser;
beforeAll(() => {
  ({ relay, browser } = session);
});

async function setRelay(url: string): Promise<void> {
  const page = await browser.openPage('options/options.html');
  await page.locator('#relay-url').fill(url);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  await page.close();
}

describe('popup against a running relay', () => {
  it('runs the quick check on open and shows a ready verdict with passing HTTPS and WSS rows', async () => {
    await setRelay(relay.url);
    const popup = await browser.openPage('popup/popup.html');
    const verdict = popup.locator('[data-verdict]');
    await verdict.waitFor({ timeout: 15_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('ready');
    await expect.poll(() => popup.getByRole('status').textContent()).toBe('Check complete.');
    expect(await popup.locator('[data-check-id="relay-https"]').getAttribute('data-status')).toBe('pass');
    expect(await popup.locator('[data-check-id="relay-wss"]').getAttribute('data-status')).toBe('pass');
    await popup.locator('[data-check-id="relay-wss"] summary').click();
    await expect
      .poll(() => popup.locator('[data-check-id="relay-wss"] .evidence').textContent())
      .toContain('TLSv1.3');
    const badge = await browser.worker.evaluate(() => chrome.action.getBadgeText({}));
    expect(badge).toBe('✓');
    await popup.close();
  });

  it('shows the last result and its age when reopened, and runs again on request', async () => {
    const popup = await browser.openPage('popup/popup.html');
    // Opening the popup starts a run; the last result stays on screen, marked as previous, meanwhile.
    await popup.locator('[data-previous-verdict="ready"]').waitFor({ timeout: 5000 });
    await runFinishes(popup);
    await popup.getByRole('button', { name: 'Run again' }).click();
    await runFinishes(popup);
    expect(await popup.locator('[data-verdict]').getAttribute('data-verdict')).toBe('ready');
    expect(await popup.locator('.verdict-age').textContent()).toMatch(/Checked just now/);
    await popup.close();
  });
});

/** Waits for the run the popup just started to end, so no run is left going into the next test. */
async function runFinishes(popup: Page): Promise<void> {
  await popup.locator('.status[data-running="true"]').waitFor({ timeout: 5000 });
  await popup.locator('.status[data-running="false"]').waitFor({ timeout: 30_000 });
}

describe('popup when the relay is down', () => {
  it('says the relay is unreachable, naming the reason, within 5 seconds', async () => {
    await setRelay(`https://127.0.0.1:${await closedPort()}`);
    const popup = await browser.openPage('popup/popup.html');
    await popup.locator('[data-verdict="blocked"]').waitFor({ timeout: 5000 });
    const alert = await popup.getByRole('alert').textContent();
    expect(alert).toMatch(/Connection refused/);
    expect(await popup.locator('[data-check-id="relay-https"]').getAttribute('data-status')).toBe('fail');
    expect(await popup.locator('[data-check-id="relay-wss"]').getAttribute('data-status')).toBe('fail');
    const title = await browser.worker.evaluate(() => chrome.action.getTitle({}));
    expect(title).toMatch(/blocked/);
    await popup.close();
  });

  it('names a TLS certificate failure when the relay certificate is not trusted', async () => {
    const untrusted = await startRelayProcess();
    try {
      await setRelay(untrusted.url);
      const popup = await browser.openPage('popup/popup.html');
      await popup.locator('[data-verdict="blocked"]').waitFor({ timeout: 10_000 });
      const row = popup.locator('[data-check-id="relay-https"]');
      await row.locator('summary').click();
      expect(await row.locator('.check-summary').textContent()).toMatch(/TLS certificate rejected/);
      await popup.close();
    } finally {
      await untrusted.stop();
    }
  });
});

describe('command line', () => {
  it('prints a ready verdict as JSON and exits 0', async () => {
    const r = await runCli(['--json', '--relay', relay.url, '--ca-cert', relay.certFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = v.parse(ReportSchema, JSON.parse(r.stdout));
    expect(report.verdict).toBe('ready');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['relay-https', 'pass'],
      ['relay-wss', 'pass'],
      ['secure-media', 'pass'],
      // This relay runs without probe ports, so the firewall matrix is skipped (port-matrix.e2e.ts covers it).
      ['port-matrix', 'skip'],
    ]);
  });

  it('exits 1 with a blocked verdict naming connection-refused for a closed port', async () => {
    const port = await closedPort();
    const r = await runCli(['--json', '--relay', `https://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    const report = v.parse(ReportSchema, JSON.parse(r.stdout));
    expect(report.verdict).toBe('blocked');
    const https = report.checks.find((c) => c.id === 'relay-https');
    expect(https).toMatchObject({ status: 'fail', reason: 'connection-refused', step: 'tcp' });
  });

  it('exits 2 with one clear line on a bad flag', async () => {
    const r = await runCli(['--relay', 'http://insecure.example']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('check: --relay: must start with https://');
    expect(r.stdout).toBe('');
  });
});
