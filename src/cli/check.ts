/**
 * `npm run check`: the quick check from a terminal, through the real extension in headless Chromium, or with
 * `--browser firefox` the add-on in headless Firefox ESR; the same report either way.
 * Exit codes: 0 ready, 1 degraded/blocked, 2 usage or environment error (the check could not be run).
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderText } from '../report-text/render-text.ts';
import { type CheckArgs, parseCheckArgs, USAGE, UsageError } from './args.ts';
import { EnvironmentError, launchWithExtension } from './chromium.ts';
import { finishedSoFar, runCheckInExtension } from './drive-extension.ts';
import { proxyHostsFromEnv } from './env-proxy.ts';
import type { ExtensionPage } from './extension-page.ts';
import { launchFirefoxWithExtension } from './firefox.ts';
import { shareFromCli } from './share.ts';
import { browserTrust, isLoopbackRelay } from './trust.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const DEFAULT_RELAY = 'https://127.0.0.1:8443';
const RUN_TIMEOUT_MS = 90_000;
/** More for each relay compared: HTTPS and a quick audio sample, at their time limits. */
const PER_COMPARED_RELAY_MS = 60_000;

async function main(): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseCheckArgs(process.argv.slice(2), DEFAULT_RELAY);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(`check: ${err.message}`);
    console.error(USAGE);
    return 2;
  }
  const dataDir = process.env.SVC_RELAY_DATA_DIR ?? join(root, '.relay-data');
  let browser: { close(): Promise<void> } | undefined;
  let progress: readonly { id: string }[] = [];
  sayWhereWhenStopped(() => progress);
  try {
    const opened = await openExtension(args, dataDir);
    browser = opened.browser;
    const page = opened.page;
    const report = await runCheckInExtension(
      page,
      args.settings,
      args.extended ? 'extended' : 'quick',
      RUN_TIMEOUT_MS + args.settings.relays.length * PER_COMPARED_RELAY_MS,
      (p) => {
        progress = p;
      },
    );
    console.log(args.json ? JSON.stringify(report, null, 2) : renderText(report));
    const code = report.verdict === 'ready' ? 0 : report.verdict === 'error' ? 2 : 1;
    if (!args.share) return code;
    const shared = await shareFromCli(page, report, args.settings.relayUrl, args.share.includeFullAddresses);
    if (shared.ok) {
      // With --json, stdout stays one JSON document for scripts; the code goes to stderr.
      for (const line of shared.lines) (args.json ? console.error : console.log)(line);
      return code;
    }
    for (const line of shared.lines) console.error(line);
    return 2;
  } catch (err) {
    if (err instanceof UsageError || err instanceof EnvironmentError) {
      console.error(`check: ${err.message}`);
      return 2;
    }
    console.error(`check: could not run the check: ${(err as Error).message.split('\n')[0]}`);
    return 2;
  } finally {
    await browser?.close();
  }
}

/** The chosen browser with the built extension, and one of its pages to drive the check from. */
async function openExtension(
  args: CheckArgs,
  dataDir: string,
): Promise<{ browser: { close(): Promise<void> }; page: ExtensionPage }> {
  const relayUrl = args.settings.relayUrl;
  // Access to every host the check talks to, so the browser names the cause of any failure.
  const hostAccess = [relayUrl, ...args.settings.relays.map((r) => r.url), ...args.settings.targets];
  const trust = browserTrust(relayUrl, args, args.browser, dataDir);
  if (args.browser === 'firefox') {
    const firefox = await launchFirefoxWithExtension({
      extensionDir: join(root, 'dist/firefox'),
      trustCertFiles: trust.anchors.map((a) => a.file),
      headless: args.headless,
      loopbackRelay: isLoopbackRelay(relayUrl),
      hostAccess,
    });
    try {
      return { browser: firefox, page: await firefox.openPage('options/options.html') };
    } catch (err) {
      await firefox.close();
      throw err;
    }
  }
  const chromium = await launchWithExtension({
    extensionDir: join(root, 'dist/chrome'),
    trustSpki: trust.spkiPins,
    trustAnchors: trust.anchors,
    headless: args.headless,
    hostAccess,
    // And the proxy the environment sets, which Chromium must reach to reach anything.
    resolveOnly: [...hostAccess.map((u) => new URL(u).hostname), ...proxyHostsFromEnv(process.env)],
  });
  return { browser: chromium, page: await chromium.openPage('options/options.html') };
}

/** Set when the user (Ctrl-C) or a supervisor (SIGTERM) stopped the command: its exit code wins. */
let stoppedWith: number | undefined;

/**
 * Ctrl-C or SIGTERM mid-run: say how far the check got, then let the browser drivers close their browsers
 * (they listen for the same signals), and end at the latest 10 s later whatever is still open.
 */
function sayWhereWhenStopped(progress: () => readonly { id: string }[]): void {
  const started = Date.now();
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      const s = Math.round((Date.now() - started) / 1000);
      console.error(
        `check: stopped by ${signal} after ${s} s, before the check ended (${finishedSoFar(progress())})`,
      );
      stoppedWith = code;
      setTimeout(() => process.exit(code), 10_000).unref();
    });
  }
}

const code = await main();
process.exitCode = stoppedWith ?? code;
