/**
 * Enterprise policy end to end: Debian Chromium reads a 3rdparty extension policy from its managed policy folder,
 * the extension gets it through storage.managed (checked against managed-schema.json), and the options page
 * shows those settings locked, then follows a policy change without a browser restart. Also the options page's
 * accessibility scan and its light and dark screenshots.
 *
 * Writes one uniquely named file in /etc/chromium/policies/managed (so it needs root) and always deletes it.
 * The extension is loaded from a private copy: its id (derived from the path) differs from dist/chrome's, so the
 * policy cannot lock the settings of any other test's browser that runs meanwhile.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { access, constants, cp, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { ROOT } from './harness/relay-process.ts';
import { SCREENSHOTS } from './harness/screenshots.ts';

/** Where Debian's chromium reads mandatory policies (Google Chrome would use /etc/opt/chrome/policies/managed). */
const POLICY_DIR = process.env.SVC_CHROMIUM_POLICY_DIR ?? '/etc/chromium/policies/managed';
/** Chromium re-reads the folder when it changes, once the files have been left alone for 5 s. */
const POLICY_APPLY_MS = 30_000;

/**
 * The id Chromium gives an unpacked extension: SHA-256 of its absolute path, the first 32 hex digits written
 * with the letters a-p instead of 0-f (crx_file::id_util::GenerateIdForPath).
 */
function unpackedExtensionId(absolutePath: string): string {
  const hex = createHash('sha256').update(absolutePath).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

const policyFile = join(POLICY_DIR, `secure-voice-check-e2e-${process.pid}-${randomUUID()}.json`);
/** targets passes Chrome's schema (a list of strings) but not the extension's (https:// only). */
const INITIAL_POLICY = {
  relayUrl: 'https://policy-relay.example:9443',
  profile: 'meetings',
  targets: ['http://insecure.example'],
};
let extensionDir = '';
let extensionId = '';
let browser: ExtensionBrowser | undefined;
let page: Page;

let wrotePolicy = false;

async function writePolicy(settings: Record<string, unknown>): Promise<void> {
  wrotePolicy = true;
  const policy = { '3rdparty': { extensions: { [extensionId]: settings } } };
  await writeFile(policyFile, `${JSON.stringify(policy, null, 2)}\n`, { mode: 0o644 });
}

async function removePolicy(): Promise<void> {
  await rm(policyFile, { force: true });
}
// Also when the run is cut short (Ctrl+C) before afterAll: nothing of this test may stay in the system folder.
process.once('exit', () => {
  if (wrotePolicy) rmSync(policyFile, { force: true });
});

/** What the extension itself reads from storage.managed, for failure messages. */
function managedInWorker(): Promise<unknown> {
  type Chrome = { storage: { managed: { get(): Promise<unknown> } } };
  return (
    browser?.worker.evaluate(() =>
      (globalThis as unknown as { chrome: Chrome }).chrome.storage.managed
        .get()
        .catch((e: Error) => e.message),
    ) ?? Promise.resolve(null)
  );
}

/** Polls until `read` gives `expected`; on time-out the failure says what storage.managed held by then. */
async function waitFor<T>(read: () => Promise<T>, expected: T, timeout: number): Promise<void> {
  try {
    await expect.poll(read, { timeout }).toBe(expected);
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\nstorage.managed now: ${JSON.stringify(await managedInWorker())}`,
    );
  }
}

beforeAll(async () => {
  try {
    await mkdir(POLICY_DIR, { recursive: true, mode: 0o755 });
    await access(POLICY_DIR, constants.W_OK);
  } catch (err) {
    throw new Error(
      `This test writes a Chromium policy file into ${POLICY_DIR} and cannot (${(err as NodeJS.ErrnoException).code}). ` +
        'Run the end-to-end tests as root (or give this user write access to that folder).',
    );
  }
  const built = join(ROOT, 'dist/chrome');
  if (!existsSync(join(built, 'manifest.json')))
    throw new Error(`No built extension in ${built}. Run "node scripts/build.ts" first.`);
  // Chromium hashes the path it resolved, symlinks and all.
  extensionDir = await realpath(await mkdtemp(join(tmpdir(), 'svc-policy-ext-')));
  await cp(built, extensionDir, { recursive: true });
  extensionId = unpackedExtensionId(extensionDir);
  await writePolicy(INITIAL_POLICY);
  browser = await launchWithExtension({ extensionDir });
  if (browser.extensionId !== extensionId) {
    throw new Error(
      `Chromium gave the extension id ${browser.extensionId}, the test computed ${extensionId} from ${extensionDir}; the policy names the wrong extension.`,
    );
  }
  page = await browser.openPage('options/options.html');
  await page.locator('#relay-url').waitFor();
});

afterAll(async () => {
  // The policy file first: whatever else failed, nothing of this test may stay in the system policy folder.
  if (wrotePolicy) await removePolicy();
  await browser?.close();
  if (extensionDir) await rm(extensionDir, { recursive: true, force: true });
});

describe('managed policy', () => {
  it('shows the policy’s relay URL and profile, locked, with "Set by your organization"', async () => {
    await waitFor(() => page.locator('#relay-url').inputValue(), 'https://policy-relay.example:9443', 10_000);
    expect(await page.locator('#profile').inputValue()).toBe('meetings');
    for (const id of ['relay-url', 'profile']) {
      const input = page.locator(`#${id}`);
      expect(await input.isDisabled(), id).toBe(true);
      expect(await input.getAttribute('aria-describedby'), id).toContain(`${id}-locked`);
      expect(await page.locator(`#${id}-locked`).textContent(), id).toBe('Set by your organization');
    }
    // What the policy leaves out, or sets to something invalid, stays the user's.
    expect(await page.locator('#quick-duration').isDisabled()).toBe(false);
    expect(await page.locator('#targets').isDisabled()).toBe(false);
    expect(await page.locator('.ignored-policy li').first().textContent()).toMatch(
      /^Policy value ignored: targets \(item 1: must start with https:\/\/\)$/,
    );
    await expect.poll(() => page.locator('.relay-access').getAttribute('data-access')).toBe('missing');
    expect(await page.getByRole('button', { name: 'Grant access' }).isVisible()).toBe(true);
  });

  it('the background runs with the policy’s settings', async () => {
    const settings = (await page.evaluate(() =>
      (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
      ).chrome.runtime.sendMessage({ type: 'getSettings' }),
    )) as { ok: boolean; value: { relayUrl: string; profile: string } };
    expect(settings.value).toMatchObject({
      relayUrl: 'https://policy-relay.example:9443',
      profile: 'meetings',
    });
  });

  it('has no serious or critical accessibility problems', async () => {
    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical');
    expect(serious.map((x) => `${x.id}: ${x.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
  });

  it('takes light and dark screenshots', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 760, height: 900 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SCREENSHOTS, `options-${scheme}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: null });
  });

  it('follows a policy change without restarting the browser or reloading the page', async () => {
    await writePolicy({ ...INITIAL_POLICY, profile: 'desktop-app' });
    await waitFor(() => page.locator('#profile').inputValue(), 'desktop-app', POLICY_APPLY_MS);
    expect(await page.locator('#profile').isDisabled()).toBe(true);
  });

  it('unlocks the fields when the policy goes away', async () => {
    await removePolicy();
    await waitFor(() => page.locator('#relay-url').isDisabled(), false, POLICY_APPLY_MS);
    expect(await page.getByText('Set by your organization').count()).toBe(0);
  });
});
