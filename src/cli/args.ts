/** Command-line arguments of `npm run check`, validated; usage problems are one line and exit code 2. */
import { parseArgs } from 'node:util';
import { parseSettings, type Settings } from '../protocol/settings.ts';

export const USAGE = `usage: npm run check -- [--relay URL] [--compare [NAME=]URL]... [--target URL]... [--profile ID] [--json] [--extended] [--ca-cert FILE]... [--pin-cert FILE] [--share [--share-full-addresses]] [--browser chromium|firefox] [--show-browser]
  --relay URL     the relay to test against (default: the local relay, https://127.0.0.1:8443)
  --compare [NAME=]URL  another relay (region) to compare with --relay: each gets HTTPS and a short audio
                  sample after the check, and the report recommends the one whose calls would sound best
                  (repeatable, up to 8; NAME is what the report calls it, e.g. Frankfurt=https://fra.example)
  --target URL    an extra HTTPS endpoint to check (repeatable)
  --profile ID    port table to probe: desk-phone (default), mobile-app, desktop-app, meetings
  --json          print one JSON report on stdout instead of text
  --extended      30 s of audio with per-second samples instead of the 3 s quick check
  --ca-cert FILE  trust this CA certificate (PEM) for the relay: its chain is validated up to it and the
                  name must match (a self-signed relay certificate given here is trusted as itself); repeatable
  --pin-cert FILE Chromium only: accept any chain holding this certificate's public key, whatever its
                  name or issuer (the behaviour --ca-cert had before)
  --share         then share the report with support through the relay and print the support code
                  (addresses redacted: private ones removed, public ones shortened)
  --share-full-addresses  with --share: include full IP addresses
  --browser NAME  run the check in Debian chromium (default) or firefox (Firefox ESR)
  exit codes: 0 ready, 1 degraded or blocked, 2 usage or environment error, or a share that failed`;

export class UsageError extends Error {}

export const CHECK_BROWSERS = ['chromium', 'firefox'] as const;
export type CheckBrowser = (typeof CHECK_BROWSERS)[number];

export interface CheckArgs {
  settings: Settings;
  json: boolean;
  extended: boolean;
  /** CAs the browser trusts for the relay (chain validation). */
  caCerts: string[];
  /** A certificate whose public key Chromium accepts in the relay's chain (pinning). */
  pinCert: string | null;
  headless: boolean;
  /** Which browser runs the extension. */
  browser: CheckBrowser;
  /** Upload the report afterwards; null: do not share. */
  share: { includeFullAddresses: boolean } | null;
}

/** "Frankfurt=https://fra.example", or a bare URL: a name is what comes before "=" ahead of the URL's scheme. */
function relayOfFlag(value: string): { name: string; url: string } {
  const named = /^([^=:/]*)=(\w+:\/\/.*)$/.exec(value);
  return named ? { name: named[1] as string, url: named[2] as string } : { name: '', url: value };
}

export function parseCheckArgs(argv: string[], defaultRelay: string): CheckArgs {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        relay: { type: 'string' },
        target: { type: 'string', multiple: true },
        compare: { type: 'string', multiple: true },
        profile: { type: 'string' },
        json: { type: 'boolean', default: false },
        extended: { type: 'boolean', default: false },
        'ca-cert': { type: 'string', multiple: true },
        'pin-cert': { type: 'string' },
        'show-browser': { type: 'boolean', default: false },
        browser: { type: 'string', default: 'chromium' },
        share: { type: 'boolean', default: false },
        'share-full-addresses': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  if (values.help) throw new UsageError('');
  // Full addresses are a choice made on purpose: the flag alone does not start a share.
  if (values['share-full-addresses'] && !values.share) {
    throw new UsageError('--share-full-addresses: only together with --share');
  }
  const browser = values.browser as string;
  if (!CHECK_BROWSERS.includes(browser as CheckBrowser)) {
    throw new UsageError(`--browser: must be one of ${CHECK_BROWSERS.join(', ')}`);
  }
  const parsed = parseSettings({
    relayUrl: (values.relay as string | undefined) ?? defaultRelay,
    targets: (values.target as string[] | undefined) ?? [],
    relays: ((values.compare as string[] | undefined) ?? []).map(relayOfFlag),
    profile: values.profile as string | undefined,
  });
  if (!parsed.ok) {
    const flag =
      { relayUrl: 'relay', profile: 'profile', relays: 'compare' }[parsed.error.split(/[.:]/)[0] ?? ''] ??
      'target';
    throw new UsageError(`--${flag}: ${parsed.error.replace(/^[\w.]+: /, '')}`);
  }
  return {
    settings: parsed.value,
    json: values.json === true,
    extended: values.extended === true,
    caCerts: (values['ca-cert'] as string[] | undefined) ?? [],
    pinCert: (values['pin-cert'] as string | undefined) ?? null,
    headless: values['show-browser'] !== true,
    browser: browser as CheckBrowser,
    share: values.share ? { includeFullAddresses: values['share-full-addresses'] === true } : null,
  };
}
