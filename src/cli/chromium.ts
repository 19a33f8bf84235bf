/**
 * Launches Debian Chromium with the built extension loaded, the way the command line and the end-to-end tests
 * both need it. Flags keep Chromium off the network except for what the check itself does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { EnvironmentError } from './environment-error.ts';
import { copyWithHostAccess, type ExtensionCopy } from './host-access.ts';
import { createNssHome, type TrustAnchor } from './nss-db.ts';
import { browserEnv, browserTempDir } from './temp-dir.ts';
import { tempFolder } from './temp-folders.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export { EnvironmentError };

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /** Opens an extension page (path inside dist/chrome) in a tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  extensionDir: string;
  /** base64 SPKI SHA-256 hashes of certificates to trust (the relay's self-signed one). */
  trustSpki?: string[];
  /** Certificates Chromium validates chains to, as for any CA it trusts (a private NSS database). */
  trustAnchors?: TrustAnchor[];
  extraArgs?: string[];
  headless?: boolean;
  /** Overrides CHROMIUM_PATH, e.g. a wrapper that starts Chromium inside a test's network namespace. */
  executablePath?: string;
  /** Writes into the fresh profile folder before Chromium starts (e.g. preferences for a screenshot). */
  prepareProfile?: (userDataDir: string) => Promise<void>;
  /** URLs whose hosts the extension gets access to, as if granted with a click (src/cli/host-access.ts). */
  hostAccess?: string[];
  /**
   * The only host names Chromium may look up. Its flags do not stop every background request (the
   * command line saw lookups of update.googleapis.com and accounts.google.com on every run), so every other
   * name is answered "not found" inside Chromium and no query leaves the machine.
   */
  resolveOnly?: string[];
}

/**
 * Address literals, in Chromium's host patterns (`?` is zero or one character): every IPv4 address, and every
 * IPv6 one (no name has a colon). Chromium opens ICE-TCP connections through its resolver too, to the
 * relay's media address as a literal; "MAP *" alone turned that address into "not found", so on a network
 * that refuses UDP to the media ports the command line found no media path where the popup fell back to TCP.
 */
export const ADDRESS_LITERAL_PATTERNS = ['???.???.???.???', '*:*'] as const;

/**
 * `--host-resolver-rules` that let Chromium resolve only these names (and localhost). Address literals are
 * left alone: looking one up asks no DNS server.
 */
export function resolveOnlyRule(hosts: readonly string[]): string {
  const names = [...new Set(['localhost', ...hosts.map((h) => h.toLowerCase())])];
  const excluded = [...ADDRESS_LITERAL_PATTERNS, ...names];
  return ['MAP * ~NOTFOUND', ...excluded.map((h) => `EXCLUDE ${h}`)].join(', ');
}

export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new EnvironmentError(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with "sudo apt-get install chromium" (Debian/Ubuntu), or set CHROMIUM_PATH.`,
    );
  }
}

export async function launchWithExtension(opts: LaunchOptions): Promise<ExtensionBrowser> {
  assertChromium();
  if (!existsSync(join(opts.extensionDir, 'manifest.json'))) {
    throw new EnvironmentError(`No built extension in ${opts.extensionDir}. Run "npm run build" first.`);
  }
  const copy: ExtensionCopy | null = opts.hostAccess?.length
    ? await copyWithHostAccess(opts.extensionDir, opts.hostAccess)
    : null;
  const extensionDir = copy?.dir ?? opts.extensionDir;
  const tempDir = browserTempDir();
  // Removed at the end or on a failed launch, else at exit (temp-folders.ts).
  const profile = tempFolder(tempDir, 'svc-chromium-');
  const userDataDir = profile.path;
  // Chromium reads trusted CAs from $HOME/.pki/nssdb: a private home beside the profile, removed with it.
  const home = opts.trustAnchors?.length ? join(userDataDir, 'home') : null;
  const removeDirs = async () => {
    await profile.remove();
    await copy?.remove();
  };
  try {
    if (home && opts.trustAnchors) await createNssHome(home, opts.trustAnchors);
    await opts.prepareProfile?.(userDataDir);
  } catch (err) {
    await removeDirs();
    throw err;
  }
  const args = [
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
    ...(opts.trustSpki?.length ? [`--ignore-certificate-errors-spki-list=${opts.trustSpki.join(',')}`] : []),
    ...(opts.resolveOnly ? [`--host-resolver-rules=${resolveOnlyRule(opts.resolveOnly)}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  const context = await chromium
    .launchPersistentContext(userDataDir, {
      executablePath: opts.executablePath ?? CHROMIUM_PATH,
      headless: opts.headless ?? true,
      args,
      // Chromium's own temporary folder (its singleton socket) too: see temp-dir.ts.
      // Its runtime folder in the profile, which goes with it (tempDir is the shared /tmp or TMPDIR).
      env: { ...browserEnv(tempDir, userDataDir), ...(home ? { HOME: home } : {}) },
      timeout: 30_000,
    })
    .catch(async (err: unknown) => {
      await removeDirs();
      throw err;
    });
  try {
    const worker =
      context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    const extensionId = new URL(worker.url()).host;
    return {
      context,
      extensionId,
      worker,
      async openPage(path) {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${extensionId}/${path}`);
        return page;
      },
      async close() {
        await context.close().catch(() => undefined);
        await removeDirs();
      },
    };
  } catch (err) {
    await context.close().catch(() => undefined);
    await removeDirs();
    throw err;
  }
}
