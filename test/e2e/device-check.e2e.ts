/**
 * The headset check in real Chromium with the built extension: a fake microphone playing a tone (the level
 * is fine), one playing silence (a muted headset), and the permission refused. Each case is its own browser,
 * since Chromium reads its fake microphone's file and its permission answer from the command line.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { ROOT } from './harness/relay-process.ts';
import { SCREENSHOTS } from './harness/screenshots.ts';
import { writeToneWav } from './harness/wav.ts';

let dir: string;
const browsers: ExtensionBrowser[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'svc-device-'));
  // -12 dBFS peak: a voice at a good level. Silence: every sample zero.
  await writeToneWav(join(dir, 'tone.wav'), 0.25);
  await writeToneWav(join(dir, 'silence.wav'), 0);
});
afterAll(async () => {
  for (const b of browsers) await b.close();
  await rm(dir, { recursive: true, force: true });
});

/** Chromium whose microphone plays `wav`; `answer` is what the permission prompt says. */
async function launch(wav: string | null, answer: 'allow' | 'deny'): Promise<ExtensionBrowser> {
  const browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    extraArgs: [
      '--use-fake-device-for-media-stream',
      ...(wav ? [`--use-file-for-fake-audio-capture=${join(dir, wav)}`] : []),
      answer === 'allow' ? '--use-fake-ui-for-media-stream' : '--deny-permission-prompts',
    ],
  });
  browsers.push(browser);
  return browser;
}

async function startCheck(browser: ExtensionBrowser): Promise<Page> {
  const page = await browser.openPage('device/device.html');
  await page.getByRole('heading', { name: 'Headset check' }).waitFor();
  // Nothing is asked before the click: the page says so, and the browser has not been asked.
  expect(await page.locator('[data-field="device-private"]').textContent()).toContain(
    'never stored or sent anywhere',
  );
  expect(await page.locator('main').getAttribute('data-device-state')).toBe('idle');
  await page.getByRole('button', { name: 'Test my headset' }).click();
  return page;
}

/** Waits for the recording's verdict and returns it with the words the user reads. */
async function verdict(page: Page): Promise<{ verdict: string | null; text: string }> {
  const result = page.locator('[data-level-verdict]');
  await result.waitFor({ timeout: 30_000 });
  // Judged over the recording itself (decoded again), not the live meter's readings.
  expect(await result.getAttribute('data-measured-from')).toBe('recording');
  return {
    verdict: await result.getAttribute('data-level-verdict'),
    text: (await result.textContent()) ?? '',
  };
}

describe('headset check (Chromium, fake microphone)', () => {
  it('hears a microphone at a good level, shows the meter while recording, and plays the recording back', async () => {
    const page = await startCheck(await launch('tone.wav', 'allow'));
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^Recording: say a few words now \(\d s\)…$/);
    const meter = page.getByRole('meter', { name: 'Microphone level' });
    await meter.waitFor();
    await expect.poll(async () => Number(await meter.getAttribute('value'))).toBeGreaterThan(0.5);
    const { verdict: v, text } = await verdict(page);
    expect(v).toBe('ok');
    expect(text).toMatch(
      /^Your microphone works: we heard you at a good level \(-\d+ dBFS while you spoke\)\./,
    );
    // The microphone is released once the recording is made.
    expect(await page.locator('meter').count()).toBe(0);
    await page.getByRole('button', { name: 'Play back my recording' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 20_000 })
      .toMatch(/^Played back\./);
    expect(await page.getByRole('button', { name: 'Record again' }).isEnabled()).toBe(true);
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SCREENSHOTS, `device-check-${scheme}.png`) });
      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.violations.map((x) => `${x.id}: ${x.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
    }
  });

  it('tells a silent microphone from a network problem', async () => {
    const page = await startCheck(await launch('silence.wav', 'allow'));
    const { verdict: v, text } = await verdict(page);
    expect(v).toBe('silent');
    expect(text).toBe(
      "No sound came from your microphone: it is muted (check the mute switch on the headset or its cable), or your computer records from another microphone. Pick your headset as the input device in your computer's sound settings, then record again. This is not a network problem.",
    );
    // What was recorded can still be played back, to hear the silence for oneself.
    expect(await page.getByRole('button', { name: 'Play back my recording' }).count()).toBe(1);
  });

  it('says what to do when the browser refuses the microphone, and records nothing', async () => {
    const page = await startCheck(await launch('tone.wav', 'deny'));
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute('data-problem')).toBe('denied');
    expect(await alert.textContent()).toBe(
      "The browser did not allow the microphone, so nothing was recorded. To test your headset, allow the microphone for this page (the icon at the right of the address bar, or the browser's site settings), then start again.",
    );
    expect(await page.locator('[data-level-verdict]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Test my headset' }).isEnabled()).toBe(true);
  });
});
