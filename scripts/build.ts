/**
 * Builds dist/chrome, dist/firefox and dist/relay with esbuild, one call per target.
 *   node scripts/build.ts [--only chrome|firefox|relay] [--quiet] [--release] [--dist <folder>]
 * SVC_RELAY_URL sets the extension's default relay (default: the local relay, https://127.0.0.1:8443).
 * A dev build (the local relay, no --release) differs from a release build in these ways only: readable code
 * with linked source maps, and "(dev)" in the extension's name. A build for any other relay, or with
 * --release, is a release build: minified, no source maps.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { ICON_SIZES } from './icon-sizes.ts';
import { inlineStylesheet } from './inline-stylesheet.ts';
import { forTarget, type Target } from './manifest.ts';
import { buildNativeEcho } from './native-echo-build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    release: { type: 'boolean', default: false },
    dist: { type: 'string', default: 'dist' },
  },
});
const dist = resolve(root, values.dist);
export const DEFAULT_LOCAL_RELAY = 'https://127.0.0.1:8443';

/** package.json's version; the relay reports it on /healthz and in its logs. */
const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };

async function buildExtension(target: Target, relayUrl: string, dev: boolean): Promise<void> {
  const out = join(dist, target);
  await rm(out, { recursive: true, force: true });
  const entryPoints: Record<string, string> = {
    background: 'src/background/index.ts',
    'popup/main': 'popup/main.tsx',
    'options/main': 'options/main.tsx',
    'report/main': 'report/main.tsx',
    'device/main': 'device/main.tsx',
    ...(target === 'chrome' ? { 'offscreen/offscreen': 'src/offscreen/index.ts' } : {}),
  };
  await esbuild.build({
    absWorkingDir: root,
    entryPoints,
    outdir: out,
    bundle: true,
    format: 'iife',
    target: target === 'chrome' ? 'chrome116' : 'firefox128',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: !dev,
    sourcemap: dev ? 'linked' : false,
    legalComments: 'none',
    define: {
      __TARGET__: JSON.stringify(target),
      __DEV__: JSON.stringify(dev),
      __DEFAULT_RELAY_URL__: JSON.stringify(relayUrl),
      // The pages take their text from the browser's i18n alone (see src/platform/i18n.ts); the background
      // still bundles English where it writes a report's text.
      __MESSAGES_FROM_BROWSER__: 'true',
    },
    logLevel: 'warning',
  });
  const theme = await readFile(join(root, 'src/ui/styles/theme.css'), 'utf8');
  const popupHtml = await readFile(join(root, 'popup/popup.html'), 'utf8');
  await mkdir(join(out, 'popup'), { recursive: true });
  await writeFile(join(out, 'popup/popup.html'), inlineStylesheet(popupHtml, '../ui/theme.css', theme));
  await cp(join(root, 'options/options.html'), join(out, 'options/options.html'));
  await cp(join(root, 'report/report.html'), join(out, 'report/report.html'));
  await cp(join(root, 'device/device.html'), join(out, 'device/device.html'));
  if (target === 'chrome')
    await cp(join(root, 'src/offscreen/offscreen.html'), join(out, 'offscreen/offscreen.html'));
  await cp(join(root, '_locales'), join(out, '_locales'), { recursive: true });
  await mkdir(join(out, 'icons'), { recursive: true });
  for (const size of ICON_SIZES)
    await cp(join(root, `icons/icon-${size}.png`), join(out, `icons/icon-${size}.png`));
  await mkdir(join(out, 'ui'), { recursive: true });
  await cp(join(root, 'src/ui/styles/theme.css'), join(out, 'ui/theme.css'));
  await cp(join(root, 'src/ui/styles/share.css'), join(out, 'ui/share.css'));
  const base = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
  const manifest = forTarget(base, target, { version, relayUrl, dev });
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Chrome refuses to load an extension whose manifest names a managed_schema that is missing or invalid.
  const managedSchema = (manifest.storage as { managed_schema?: string } | undefined)?.managed_schema;
  if (managedSchema) await cp(join(root, 'policy/managed-schema.json'), join(out, managedSchema));
}

async function buildRelay(): Promise<void> {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { server: 'src/relay/main.ts' },
    outdir: join(dist, 'relay'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: 'linked',
    define: { __RELAY_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  await buildWebCheck(join(dist, 'relay/public/web'));
  // The native echo (dist/native/udp-echo.node): optional, the relay falls back to the lean echo without it.
  const native = await buildNativeEcho(root, join(dist, 'native/udp-echo.node'));
  if (!native.built) {
    await rm(join(dist, 'native'), { recursive: true, force: true });
    console.log(`build: native echo not built (${native.reason}); the relay will use the lean echo`);
  }
}

/**
 * The relay's landing page script: the web check, the same src/checks code bundled for an ordinary page.
 * The relay serves this folder under /web/.
 */
async function buildWebCheck(out: string): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'web/main.tsx' },
    outdir: out,
    bundle: true,
    format: 'iife',
    target: ['chrome116', 'firefox128', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await cp(join(root, 'src/ui/styles/theme.css'), join(out, 'theme.css'));
  await cp(join(root, 'src/ui/styles/share.css'), join(out, 'share.css'));
  await cp(join(root, 'icons/icon.svg'), join(out, 'icon.svg'));
}

const only = values.only;
if (only !== undefined && !['chrome', 'firefox', 'relay'].includes(only)) {
  console.error(`build: --only must be chrome, firefox or relay (got "${only}")`);
  process.exit(2);
}
const relayUrl = process.env.SVC_RELAY_URL ?? DEFAULT_LOCAL_RELAY;
try {
  new URL(relayUrl);
} catch {
  console.error(`build: SVC_RELAY_URL is not a URL: "${relayUrl}"`);
  process.exit(2);
}
const dev = !values.release && relayUrl === DEFAULT_LOCAL_RELAY;
const started = performance.now();
const jobs: Promise<void>[] = [];
if (!only || only === 'chrome') jobs.push(buildExtension('chrome', relayUrl, dev));
if (!only || only === 'firefox') jobs.push(buildExtension('firefox', relayUrl, dev));
if (!only || only === 'relay') jobs.push(buildRelay());
await Promise.all(jobs);
if (!values.quiet)
  console.log(`built ${only ?? 'chrome, firefox, relay'} in ${Math.round(performance.now() - started)} ms`);
