/**
 * The popup of the lab's browser (harness/lab-session.ts) as a user meets it: the relay and profile saved in
 * the options, then the toolbar popup opened, which starts a run; what it shows once the run is over.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { request } from '../../../src/cli/drive-extension.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { LAB_THRESHOLDS, type LabSession, RELAY_URL } from './lab-session.ts';

/**
 * Opening the popup starts a run; returns the popup's headline and the stored report of that run.
 * `inspect` reads more off the popup once it shows the verdict, before it is closed.
 */
export async function viaPopup(
  s: LabSession,
  inspect?: (popup: Page) => Promise<void>,
): Promise<{ shown: string | null; report: Report }> {
  const { browser } = s;
  const options = await browser.openPage('options/options.html');
  await request(options, {
    type: 'saveSettings',
    settings: { relayUrl: RELAY_URL, targets: [], profile: 'desk-phone', thresholds: LAB_THRESHOLDS },
  });
  const before = ((await request(options, { type: 'getState' })) as { last?: Report }).last?.runId;
  await options.close();
  const popup = await browser.context.newPage();
  try {
    await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
    // A run that fails at once (a DNS server failure) may be over before "running" could be seen: wait
    // for the stored report of a new run instead, then for the popup to show it.
    let report: Report | undefined;
    await expect
      .poll(
        async () => {
          report = ((await request(popup, { type: 'getState' })) as { last?: Report }).last;
          return report !== undefined && report.runId !== before;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(true);
    await popup.locator('.status[data-running="false"]').waitFor({ timeout: 10_000 });
    const shown = await popup.locator('.verdict-headline').textContent();
    await inspect?.(popup);
    return { shown, report: report as Report };
  } finally {
    await popup.close();
  }
}
