/**
 * Launches Debian Firefox ESR with the built add-on, for the command line and the end-to-end tests:
 * puppeteer-core over WebDriver BiDi (no geckodriver), the add-on installed as a temporary add-on.
 *
 * - The relay's certificate is trusted through an enterprise policy (`Certificates.Install`) in a private
 *   copy of the install folder: every file is a symlink to the system install except the launcher binary
 *   (Firefox finds its folder from its own executable) and `distribution/policies.json`. The system install
 *   is never changed.
 * - The add-on's UUID is pinned (pref `extensions.webextensions.uuids`), so its pages have a known origin.
 * - Extension pages open in a BiDi-driven tab only with `--remote-allow-system-access`.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { EnvironmentError } from './chromium.ts';
import { copyWithHostAccess, type ExtensionCopy } from './host-access.ts';
import { browserEnv } from './temp-dir.ts';
import { killProcessGroup, tempFolder } from './temp-folders.ts';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** The add-on's id (manifest `browser_specific_settings.gecko.id`) and the UUID its pages get here. */
export const FIREFOX_ADDON_ID = 'secure-voice-check@securevoicecheck.org';
export const FIREFOX_ADDON_UUID = '5e1ec7ed-0000-4000-8000-5ec0e5ecc0de';
export const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_ADDON_UUID}`;

export interface FirefoxExtensionBrowser {
  browser: Browser;
  /** Opens an extension page (path inside dist/firefox) in a new tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface FirefoxLaunchOptions {
  extensionDir: string;
  /** PEM files of certificates to trust (the relay's self-signed one). */
  trustCertFiles?: string[];
  /** Enterprise policies beyond the certificates, e.g. `3rdparty.Extensions.<id>`. */
  policies?: Record<string, unknown>;
  headless?: boolean;
  /** The relay is on 127.0.0.1: Firefox then needs loopback ICE and a microphone permission for the add-on. */
  loopbackRelay?: boolean;
  /** No audio device here (a container): a mock audio backend so AudioContexts run. */
  mockAudio?: boolean;
  /**
   * Given the private copy's Firefox binary, the executable to launch instead (e.g. a wrapper that starts it
   * inside a test's network namespace).
   */
  wrapper?: (binary: string) => Promise<string>;
  extraPrefs?: Record<string, unknown>;
  /** URLs whose hosts the add-on gets access to, as if granted with a click (src/cli/host-access.ts). */
  hostAccess?: string[];
}

/** How long Firefox may take to close when asked before it is killed: the command must end either way. */
const CLOSE_LIMIT_MS = 10_000;

export function assertFirefox(): void {
  if (!existsSync(FIREFOX_PATH)) {
    throw new EnvironmentError(
      `Firefox not found at ${FIREFOX_PATH}. Install it with "sudo apt-get install firefox-esr" (Debian/Ubuntu), or set FIREFOX_PATH.`,
    );
  }
}

/** A private copy of the Firefox folder (symlinks) whose distribution/ holds our policies.json. */
function privateInstall(dir: string, policies: Record<string, unknown>): string {
  const real = realpathSync(FIREFOX_PATH);
  const installDir = join(real, '..');
  const copy = join(dir, 'firefox');
  mkdirSync(copy);
  for (const name of readdirSync(installDir)) {
    if (name === 'distribution') continue;
    const from = join(installDir, name);
    // The launcher is copied: Firefox resolves its install folder from /proc/self/exe, which follows symlinks.
    if (from === real) copyFileSync(from, join(copy, name));
    else symlinkSync(realpathSync(from), join(copy, name));
  }
  mkdirSync(join(copy, 'distribution'));
  writeFileSync(join(copy, 'distribution/policies.json'), JSON.stringify({ policies }));
  return join(copy, real.slice(installDir.length + 1));
}

export async function launchFirefoxWithExtension(
  opts: FirefoxLaunchOptions,
): Promise<FirefoxExtensionBrowser> {
  assertFirefox();
  if (!existsSync(join(opts.extensionDir, 'manifest.json'))) {
    throw new EnvironmentError(`No built add-on in ${opts.extensionDir}. Run "npm run build" first.`);
  }
  // Removed on every way out: below at the end or on a failed launch, else at exit (temp-folders.ts).
  const folder = tempFolder(tmpdir(), 'svc-firefox-');
  const dir = folder.path;
  let copy: ExtensionCopy | null = null;
  const cleanup = async () => {
    await folder.remove();
    await copy?.remove();
  };
  let browser: Browser | undefined;
  try {
    copy = opts.hostAccess?.length ? await copyWithHostAccess(opts.extensionDir, opts.hostAccess) : null;
    const policies = {
      ...(opts.trustCertFiles?.length ? { Certificates: { Install: opts.trustCertFiles } } : {}),
      ...opts.policies,
    };
    const binary = privateInstall(dir, policies);
    const profile = join(dir, 'profile');
    mkdirSync(profile);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    if (opts.loopbackRelay) allowMicrophone(profile, FIREFOX_ORIGIN);
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: opts.wrapper ? await opts.wrapper(binary) : binary,
      headless: opts.headless ?? true,
      userDataDir: profile,
      args: ['--remote-allow-system-access'],
      // Firefox's own temporary files inside the folder too, so they go with it even when Firefox is killed.
      env: browserEnv(tmp, tmp),
      timeout: 30_000,
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: FIREFOX_ADDON_UUID }),
        // Keep Firefox off the network except for what the check itself does.
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
        'app.update.enabled': false,
        ...(opts.mockAudio ? { 'media.cubeb.force_mock_context': true } : {}),
        ...(opts.loopbackRelay ? { 'media.peerconnection.ice.loopback': true } : {}),
        ...opts.extraPrefs,
      },
    });
    const pid = browser.process()?.pid;
    folder.stopAtExit(() => killProcessGroup(pid));
    const id = await browser.installExtension(copy?.dir ?? opts.extensionDir);
    if (id !== FIREFOX_ADDON_ID)
      throw new Error(`Firefox installed the add-on as ${id}, expected ${FIREFOX_ADDON_ID}`);
    const live = browser;
    return {
      browser: live,
      openPage: (path) => openExtensionPage(live, path),
      async close() {
        await closeWithin(live, CLOSE_LIMIT_MS);
        await cleanup();
      },
    };
  } catch (err) {
    if (browser) await closeWithin(browser, CLOSE_LIMIT_MS);
    await cleanup();
    throw err;
  }
}

/**
 * Closes Firefox over BiDi, or kills it when it does not close in time, so a browser stuck in its own shutdown
 * never keeps the command (or a test) from ending.
 */
async function closeWithin(browser: Browser, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    browser.close().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), limitMs);
    }),
  ]);
  clearTimeout(timer);
  if (!closed) browser.process()?.kill('SIGKILL');
}

/**
 * Firefox gathers non-default addresses (loopback included) only for an origin allowed to use the
 * microphone, and neither BiDi nor the `Permissions` policy can grant it to a moz-extension origin: the
 * profile gets a stored permission, in Firefox's own permissions database (schema version 12). The add-on
 * never asks for the microphone; this only widens which addresses ICE may use, for a relay on 127.0.0.1.
 */
function allowMicrophone(profile: string, origin: string): void {
  const db = new DatabaseSync(join(profile, 'permissions.sqlite'));
  try {
    db.exec(`CREATE TABLE moz_perms ( id INTEGER PRIMARY KEY,origin TEXT,type TEXT,permission INTEGER,expireType INTEGER,expireTime INTEGER,modificationTime INTEGER);
      CREATE TABLE moz_hosts ( id INTEGER PRIMARY KEY,host TEXT,type TEXT,permission INTEGER,expireType INTEGER,expireTime INTEGER,modificationTime INTEGER,isInBrowserElement INTEGER);
      PRAGMA user_version = 12;`);
    db.prepare(
      'INSERT INTO moz_perms (origin, type, permission, expireType, expireTime, modificationTime) VALUES (?, ?, 1, 0, 0, ?)',
    ).run(origin, 'microphone', Date.now());
  } finally {
    db.close();
  }
}

/**
 * Navigating to an extension page switches the tab to the extension process, which puppeteer may see as a
 * detached frame: poll until the page answers from the extension's origin.
 */
async function openExtensionPage(browser: Browser, path: string): Promise<Page> {
  const page = await browser.newPage();
  const url = `${FIREFOX_ORIGIN}/${path}`;
  // Not awaited: the navigation's own promise may never settle across the process switch.
  page.goto(url, { waitUntil: 'load', timeout: 15_000 }).catch(() => undefined);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const href = await page.evaluate(() => location.href).catch(() => '');
    if (
      href.startsWith(FIREFOX_ORIGIN) &&
      (await page.evaluate(() => document.readyState).catch(() => '')) === 'complete'
    )
      return page;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Firefox did not open ${url}`);
}
