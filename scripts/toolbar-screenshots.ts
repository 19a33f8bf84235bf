/**
 * `npm run screenshots:toolbar`: the extension's icon and badge as users see them, in a real Chromium toolbar
 * (headful, under Xvfb), at 1x (16 px icon) and 2x (32 px icon), for each badge state a check goes through.
 * Headless Chromium has no toolbar, so `npm run screenshots` cannot show this. Writes
 * docs/screenshots/toolbar-<state>@<scale>x.png. Needs Debian's xvfb and imagemagick:
 *
 *   sudo apt-get install -y xvfb imagemagick && npm run screenshots:toolbar
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchWithExtension } from '../src/cli/chromium.ts';
import { closedPort, ROOT, startRelayProcess } from '../test/e2e/harness/relay-process.ts';

const OUT = join(ROOT, 'docs/screenshots');
const EXTENSION_DIR = join(ROOT, 'dist/chrome');
/** Width of the toolbar's right end that the screenshots keep, in CSS pixels. */
const WIDTH = 220;

if (!process.env.DISPLAY) {
  // Re-run under a virtual screen of its own rather than asking the user for one.
  const r = spawnSync(
    'xvfb-run',
    ['-a', '-s', '-screen 0 2600x1000x24', process.execPath, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
    },
  );
  if (r.error)
    console.error(`xvfb-run could not start (${r.error.message}): sudo apt-get install -y xvfb imagemagick`);
  process.exit(r.status ?? 1);
}

/** Chromium's id for an unpacked extension: SHA-256 of its absolute path, first 32 hex digits spelt a-p. */
function unpackedExtensionId(dir: string): string {
  const hex = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

/** Grabs the right end of the toolbar (where extension icons sit) of the window at 0,0 on the black screen. */
function grabToolbar(name: string, scale: number): void {
  const file = join(OUT, `toolbar-${name}@${scale}x.png`);
  const top = `2600x${84 * scale}+0+0`;
  const right = `${WIDTH * scale}x${84 * scale}+0+0`;
  execFileSync('import', ['-window', 'root', '-crop', top, '+repage', file]);
  execFileSync('convert', [
    file,
    '-fuzz',
    '2%',
    '-trim',
    '+repage',
    '-gravity',
    'East',
    '-crop',
    right,
    '+repage',
    file,
  ]);
  console.log(`wrote ${file}`);
}

mkdirSync(OUT, { recursive: true });
const relay = await startRelayProcess();
try {
  for (const scale of [1, 2]) {
    const browser = await launchWithExtension({
      extensionDir: EXTENSION_DIR,
      trustSpki: [relay.spkiSha256],
      headless: false,
      extraArgs: [
        `--force-device-scale-factor=${scale}`,
        '--window-size=900,400',
        '--window-position=0,0',
        '--hide-crash-restore-bubble',
      ],
      // Pinned, so the icon sits in the toolbar instead of under the extensions menu.
      prepareProfile: async (dir) => {
        await mkdir(join(dir, 'Default'), { recursive: true });
        await writeFile(
          join(dir, 'Default/Preferences'),
          JSON.stringify({ extensions: { pinned_extensions: [unpackedExtensionId(EXTENSION_DIR)] } }),
        );
      },
    });
    try {
      const setRelay = async (url: string) => {
        const page = await browser.openPage('options/options.html');
        await page.locator('#relay-url').fill(url);
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText('Saved.').waitFor();
        await page.close();
      };
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto('about:blank');
      await page.bringToFront();
      // The toolbar draws pinned icons after the window; a script has no event to wait for.
      await page.waitForTimeout(2000);
      grabToolbar('idle', scale);
      await setRelay(relay.url);
      const popup = await browser.openPage('popup/popup.html');
      await popup.locator('.status[data-running="true"]').waitFor({ timeout: 10_000 });
      grabToolbar('running', scale);
      await popup.locator('.status[data-running="false"]').waitFor({ timeout: 60_000 });
      // Named by what the check found, so a loaded machine's "degraded" is never saved as "ready".
      grabToolbar((await popup.locator('[data-verdict]').getAttribute('data-verdict')) ?? 'unknown', scale);
      await popup.close();
      await setRelay(`https://127.0.0.1:${await closedPort()}`);
      const failing = await browser.openPage('popup/popup.html');
      await failing.locator('.status[data-running="true"]').waitFor({ timeout: 10_000 });
      await failing.locator('.status[data-running="false"]').waitFor({ timeout: 60_000 });
      const verdict = await failing.locator('[data-verdict]').getAttribute('data-verdict');
      await failing.close();
      grabToolbar(verdict ?? 'failed', scale);
    } finally {
      await browser.close();
    }
  }
} finally {
  await relay.stop();
}
