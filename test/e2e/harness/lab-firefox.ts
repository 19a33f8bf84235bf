/**
 * Firefox ESR with the built add-on in the lab's client namespace (harness/firefox-netns.ts), trusting the
 * provider's CA and with access to the relay's host, for the lab files that drive Firefox's popup; the office
 * proxy set by enterprise policy (`Proxy`), as IT sets it. Kept for the whole file, closed after it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { request } from '../../../src/cli/drive-extension.ts';
import { type FirefoxExtensionBrowser, launchFirefoxWithExtension } from '../../../src/cli/firefox.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { firefoxInNsWrapper } from './firefox-netns.ts';
import { popupVerdict } from './firefox-session.ts';
import { LAB_THRESHOLDS, type LabSession, RELAY_URL } from './lab-session.ts';
import { ROOT } from './relay-process.ts';

/** Registers beforeAll/afterAll (after the lab's own) and returns the live browser holder. */
export function useLabFirefox(
  session: LabSession,
  opts: { proxy?: string } = {},
): { firefox: FirefoxExtensionBrowser } {
  const held = {} as { firefox: FirefoxExtensionBrowser };
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'svc-lab-firefox-'));
    held.firefox = await launchFirefoxWithExtension({
      extensionDir: join(ROOT, 'dist/firefox'),
      trustCertFiles: [session.labCa.caFile],
      hostAccess: [RELAY_URL],
      wrapper: firefoxInNsWrapper(session.lab.client, dir),
      policies: opts.proxy ? { Proxy: { Mode: 'manual', SSLProxy: opts.proxy, Locked: true } } : {},
    });
  });
  afterAll(async () => {
    await held.firefox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return held;
}

/** The relay and profile saved in the options, then the popup opened, which starts a run: what it shows. */
export async function viaFirefoxPopup(
  firefox: FirefoxExtensionBrowser,
): Promise<{ shown: string | null; report: Report }> {
  const options = await firefox.openPage('options/options.html');
  try {
    await request(options, {
      type: 'saveSettings',
      settings: { relayUrl: RELAY_URL, targets: [], profile: 'desk-phone', thresholds: LAB_THRESHOLDS },
    });
    const before = ((await request(options, { type: 'getState' })) as { last?: Report }).last?.runId;
    const popup: Page = await firefox.openPage('popup/popup.html');
    try {
      await popupVerdict(popup);
      const shown = await popup.evaluate(
        () => document.querySelector('.verdict-headline')?.textContent ?? null,
      );
      const report = ((await request(popup, { type: 'getState' })) as { last?: Report }).last as Report;
      expect(report.runId).not.toBe(before);
      return { shown, report };
    } finally {
      await popup.close();
    }
  } finally {
    await options.close();
  }
}
