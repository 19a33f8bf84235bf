/**
 * The headset check in real Firefox ESR with the built add-on: Firefox's fake microphone (a steady tone,
 * pref media.navigator.streams.fake) heard at a good level and played back, and the microphone refused by
 * the browser's settings. Firefox's fake microphone cannot be made silent, so the silent case is Chromium's
 * alone (device-check.e2e.ts). No relay: the check never leaves the page.
 */
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type FirefoxExtensionBrowser, launchFirefoxWithExtension } from '../../src/cli/firefox.ts';
import { waitInPage } from './harness/firefox-session.ts';
import { ROOT } from './harness/relay-process.ts';

let firefox: FirefoxExtensionBrowser | null = null;
afterEach(async () => {
  await firefox?.close();
  firefox = null;
});

/** Firefox whose microphone is its fake tone, allowed or refused for every page. */
async function openCheck(answer: 'allow' | 'deny'): Promise<Page> {
  firefox = await launchFirefoxWithExtension({
    extensionDir: `${ROOT}/dist/firefox`,
    // No audio device here: a mock audio backend so the meter and playback run.
    mockAudio: true,
    extraPrefs: {
      'media.navigator.streams.fake': true,
      // 1 allows, 2 blocks: the answer a user gives the browser's question, given in advance.
      'permissions.default.microphone': answer === 'allow' ? 1 : 2,
    },
  });
  const page = await firefox.openPage('device/device.html');
  await waitInPage(page, () => document.querySelector('h1')?.textContent, null, 10_000, 'the page');
  expect(await page.$eval('main', (m) => m.getAttribute('data-device-state'))).toBe('idle');
  // A real click (WebDriver BiDi input), as a user's: playback later needs the page to have been clicked.
  await page.click('main > .report-actions button');
  return page;
}

const text = (page: Page, selector: string) =>
  waitInPage(page, (s) => document.querySelector(s)?.textContent, selector, 30_000, selector);

describe('headset check (Firefox, fake microphone)', () => {
  it('hears the microphone at a good level and plays the recording back', async () => {
    const page = await openCheck('allow');
    const said = await text(page, '[data-level-verdict]');
    const result = await page.$eval('[data-level-verdict]', (p) => [
      p.getAttribute('data-level-verdict'),
      p.getAttribute('data-measured-from'),
    ]);
    expect(result).toEqual(['ok', 'recording']);
    expect(said).toMatch(
      /^Your microphone works: we heard you at a good level \(-\d+ dBFS while you spoke\)\./,
    );
    await page.click('.device-result button');
    await waitInPage(
      page,
      () => /^Played back\./.test(document.querySelector('[role="status"]')?.textContent ?? ''),
      null,
      20_000,
      'played back',
    );
  });

  it('says what to do when the browser refuses the microphone', async () => {
    const page = await openCheck('deny');
    expect(await text(page, '[role="alert"]')).toMatch(
      /^The browser did not allow the microphone, so nothing was recorded\. To test your headset, allow the microphone/,
    );
    expect(await page.$eval('[role="alert"]', (p) => p.getAttribute('data-problem'))).toBe('denied');
  });
});
