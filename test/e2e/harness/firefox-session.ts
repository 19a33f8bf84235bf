/**
 * The Firefox end-to-end set-up: the relay process on loopback and Debian Firefox ESR with the built add-on,
 * trusting the relay's certificate by enterprise policy, both torn down after the file's tests. Pages are
 * driven through the DOM (puppeteer over WebDriver BiDi: page-script globals are out of reach, the DOM and
 * the extension APIs are not).
 */
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { inPage } from '../../../src/cli/extension-page.ts';
import {
  type FirefoxExtensionBrowser,
  type FirefoxLaunchOptions,
  launchFirefoxWithExtension,
} from '../../../src/cli/firefox.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './relay-process.ts';

export interface FirefoxSession {
  relay: RelayProcess;
  firefox: FirefoxExtensionBrowser;
}

export interface FirefoxSessionOptions {
  relayArgs?: string[];
  /** More launch options: policies, prefs (e.g. the UI language). */
  launch?: (relay: RelayProcess) => Partial<FirefoxLaunchOptions>;
}

/** Registers beforeAll/afterAll and returns the live session (read it inside tests, not at import time). */
export function useFirefoxSession(opts: FirefoxSessionOptions = {}): FirefoxSession {
  const session = {} as FirefoxSession;
  beforeAll(async () => {
    session.relay = await startRelayProcess(opts.relayArgs ?? []);
    session.firefox = await launchFirefoxWithExtension({
      extensionDir: join(ROOT, 'dist/firefox'),
      trustCertFiles: [session.relay.certFile],
      // The relay listens on 127.0.0.1: Firefox needs loopback ICE for it (see src/cli/firefox.ts).
      loopbackRelay: true,
      ...opts.launch?.(session.relay),
    });
  });
  afterAll(async () => {
    await session.firefox?.close();
    await session.relay?.stop();
  });
  return session;
}

/** Waits until `read` (run in the page) returns something truthy, and returns it. */
export async function waitInPage<T, A>(
  page: Page,
  read: (arg: A) => T | Promise<T>,
  arg: A,
  timeoutMs: number,
  what: string,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await inPage(page, read, arg).catch(() => undefined);
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what}: not seen within ${timeoutMs / 1000} s (last: ${JSON.stringify(last)})`);
}

/** Clicks the button whose visible text is `name`, as a user would. */
export async function clickButton(page: Page, name: string): Promise<void> {
  await waitInPage(
    page,
    (text) => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
      if (!button || button.disabled) return false;
      button.click();
      return true;
    },
    name,
    10_000,
    `button "${name}"`,
  );
}

/** The popup opened as a tab starts a run: waits for that run's verdict, not a previous one. */
export async function popupVerdict(page: Page): Promise<string> {
  await waitInPage(
    page,
    () => document.querySelector('.status[data-running="true"]') !== null,
    null,
    10_000,
    'run started',
  );
  await waitInPage(
    page,
    () => document.querySelector('.status[data-running="false"]') !== null,
    null,
    60_000,
    'run finished',
  );
  return waitInPage(
    page,
    () => document.querySelector('[data-verdict]')?.getAttribute('data-verdict') ?? null,
    null,
    5000,
    'verdict',
  );
}
