import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { ICON_SIZES } from '../../../scripts/icon-sizes.ts';
import { ICON_SVG, iconPath, renderIcon } from '../../../scripts/icons.ts';

const root = new URL('../../../', import.meta.url).pathname;
const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const scratch: string[] = [];
afterAll(async () => {
  for (const d of scratch) await rm(d, { recursive: true, force: true });
});

/** Runs npm run package into a fresh folder; returns the two zips. */
async function buildPackages(): Promise<{ chrome: Buffer; firefox: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'svc-package-'));
  scratch.push(dir);
  execFileSync(
    process.execPath,
    ['scripts/package.ts', '--out', join(dir, 'out'), '--dist', join(dir, 'dist')],
    {
      cwd: root,
      env: { ...process.env, SVC_RELAY_URL: 'https://relay.example.com' },
      stdio: 'pipe',
    },
  );
  const zip = (t: string) => readFile(join(dir, 'out', `secure-voice-check-${version}-${t}.zip`));
  return { chrome: await zip('chrome'), firefox: await zip('firefox') };
}

describe('store packages', () => {
  it('are the same bytes when built twice, carry the version and icons, and hold no source maps', async () => {
    const first = await buildPackages();
    const second = await buildPackages();
    expect(second.chrome.equals(first.chrome)).toBe(true);
    expect(second.firefox.equals(first.firefox)).toBe(true);
    for (const [target, bytes] of Object.entries(first)) {
      const zip = await JSZip.loadAsync(bytes);
      const names = Object.keys(zip.files);
      expect(names.filter((n) => n.endsWith('.map'))).toEqual([]);
      const manifest = JSON.parse(await (zip.file('manifest.json') as JSZip.JSZipObject).async('string'));
      expect(manifest.version).toBe(version);
      // A release build: the store name, not the dev marker; host access to the configured relay only.
      expect(manifest.name).toBe('__MSG_extName__');
      expect(manifest.host_permissions).toEqual(['https://relay.example.com/*', 'wss://relay.example.com/*']);
      for (const size of ICON_SIZES) expect(names).toContain(`icons/icon-${size}.png`);
      expect(manifest.icons['128']).toBe('icons/icon-128.png');
      expect(manifest.action.default_icon['16']).toBe('icons/icon-16.png');
      // Minified: long lines (the readable dev build has thousands of short ones; template texts keep a few breaks).
      const background = await (zip.file('background.js') as JSZip.JSZipObject).async('string');
      expect(background.length / background.split('\n').length, target).toBeGreaterThan(1000);
      // The popup takes its text from the browser's _locales: the bundled English catalogue (which the
      // background keeps, for the report's English text) is not shipped in it a second time.
      const popup = await (zip.file('popup/main.js') as JSZip.JSZipObject).async('string');
      expect(background, target).toContain('options_locked');
      expect(popup, target).not.toContain('options_locked');
    }
  }, 180_000);

  it('refuses to package without SVC_RELAY_URL, naming it', () => {
    const env = { ...process.env };
    delete env.SVC_RELAY_URL;
    expect(() =>
      execFileSync(process.execPath, ['scripts/package.ts'], { cwd: root, env, stdio: 'pipe' }),
    ).toThrow(/set SVC_RELAY_URL/);
  }, 30_000);
});

describe('icons', () => {
  it('the committed PNGs are the SVG rendered now (run npm run icons after editing icons/icon.svg)', async () => {
    const svg = await readFile(ICON_SVG, 'utf8');
    for (const size of ICON_SIZES) {
      const png = await readFile(iconPath(size));
      expect(png.equals(renderIcon(svg, size)), `icon-${size}.png`).toBe(true);
      // PNG IHDR: width and height at bytes 16-23.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });
});
