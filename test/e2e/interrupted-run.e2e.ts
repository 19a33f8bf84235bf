/**
 * Chrome may stop an extension's service worker at any time. A run cut short that way is recorded as
 * interrupted, with what it had measured, and the popup says so; nothing is silently dropped.
 */
import { expect, it } from 'vitest';
import { request } from '../../src/cli/drive-extension.ts';
import type { Report } from '../../src/protocol/report.ts';
import { useExtensionSession } from './harness/extension-session.ts';

const session = useExtensionSession();

it('records a run as interrupted when the service worker is stopped mid-run, and the popup shows it', async () => {
  const { browser, relay } = session;
  const page = await browser.openPage('options/options.html');
  await request(page, { type: 'saveSettings', settings: { relayUrl: relay.url, targets: [] } });
  const { runId } = (await request(page, { type: 'runCheck', mode: 'extended' })) as { runId: string };
  await new Promise((r) => setTimeout(r, 1500));

  // What chrome://serviceworker-internals' "Stop" does.
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();

  // The next message wakes a fresh worker, which finds the run it does not own.
  let last: Report | null = null;
  for (let i = 0; i < 100 && last?.runId !== runId; i++) {
    const state = (await request(page, { type: 'getState' }).catch(() => null)) as {
      status: string;
      last: Report | null;
    } | null;
    if (state?.status === 'idle') last = state.last;
    else await new Promise((r) => setTimeout(r, 100));
  }
  expect(last?.runId).toBe(runId);
  expect(last?.interrupted).toBe(true);
  expect(last?.verdict).toBe('error');
  expect(last?.headline).toMatch(/interrupted/);
  await page.close();

  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
  // The popup starts a new run on open and keeps the interrupted one on screen meanwhile.
  const previous = popup.locator('[data-previous-verdict="error"]');
  await previous.waitFor({ timeout: 5000 });
  expect(await previous.locator('.verdict-age').textContent()).toMatch(/\(interrupted\)/);
  expect(await previous.locator('.verdict-headline').textContent()).toMatch(/interrupted/);
  await popup.close();
});
