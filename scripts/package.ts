/**
 * `npm run package`: the store packages. A release build (minified, no source maps) for the relay in
 * SVC_RELAY_URL, then one zip per store, named with package.json's version:
 *   <out>/secure-voice-check-<version>-chrome.zip    Chrome Web Store
 *   <out>/secure-voice-check-<version>-firefox.zip   addons.mozilla.org
 * The Firefox build goes through `web-ext build` first (the packager AMO documents; it refuses a manifest
 * AMO would). The zips themselves are written here, reproducibly: files in sorted order, one fixed timestamp
 * (SOURCE_DATE_EPOCH, else 1980-01-01), fixed permissions, no folder entries; web-ext's own zip stamps the
 * time of the build into folder entries. Same sources, same bytes; the SHA-256 of each zip is printed.
 *   SVC_RELAY_URL=https://relay.example.com node scripts/package.ts [--out dist/packages] [--dist dist]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { out: { type: 'string', default: 'dist/packages' }, dist: { type: 'string', default: 'dist' } },
});
const relayUrl = process.env.SVC_RELAY_URL;
if (!relayUrl) {
  console.error(
    'package: set SVC_RELAY_URL to the relay the extension uses by default, e.g. SVC_RELAY_URL=https://relay.example.com npm run package',
  );
  process.exit(2);
}
const epochSeconds = Number(process.env.SOURCE_DATE_EPOCH ?? Date.UTC(1980, 0, 1, 12) / 1000);
// jszip writes DOS times in local time unless told otherwise; a fixed UTC date keeps the bytes the same anywhere.
const fixedDate = new Date(epochSeconds * 1000);

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(
      `package: ${relative(root, cmd) || cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`,
    );
    process.exit(1);
  }
}

/** Files under dir, as sorted forward-slash paths relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split(sep).join('/'))
    .sort();
}

export async function deterministicZip(dir: string): Promise<Buffer> {
  const zip = new JSZip();
  for (const f of files(dir)) {
    zip.file(f, readFileSync(join(dir, f)), {
      date: fixedDate,
      unixPermissions: 0o644,
      createFolders: false,
    });
  }
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
    platform: 'UNIX',
  });
}

for (const target of ['chrome', 'firefox']) {
  run(process.execPath, [
    'scripts/build.ts',
    '--release',
    '--quiet',
    '--dist',
    values.dist,
    '--only',
    target,
  ]);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const outDir = resolve(root, values.out);
mkdirSync(outDir, { recursive: true });
for (const target of ['chrome', 'firefox'] as const) {
  const source = resolve(root, values.dist, target);
  const maps = files(source).filter((f) => f.endsWith('.map'));
  if (maps.length > 0) {
    console.error(`package: source maps in a release build: ${maps.join(', ')}`);
    process.exit(1);
  }
  if (target === 'firefox') {
    const scratch = mkdtempSync(join(tmpdir(), 'svc-web-ext-'));
    try {
      run(join(root, 'node_modules/.bin/web-ext'), [
        'build',
        '--source-dir',
        source,
        '--artifacts-dir',
        scratch,
      ]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const filename = `secure-voice-check-${version}-${target}.zip`;
  const zip = await deterministicZip(source);
  writeFileSync(join(outDir, filename), zip);
  const sha = createHash('sha256').update(zip).digest('hex');
  console.log(`${relative(root, join(outDir, filename))}  ${zip.length} bytes  sha256 ${sha}`);
}
