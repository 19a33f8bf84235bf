/**
 * Builds of the extension for the page benchmarks: this tree's, or another commit's (its own scripts/build.ts,
 * run from a `git archive` of that commit with this tree's node_modules), so that "before" and "after" are
 * built and measured in the same run on the same machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './common.ts';

export interface Build {
  /** What the tables call it: "this tree" or the commit. */
  label: string;
  /** The folder holding chrome/ and firefox/. */
  dist: string;
}

export const RELEASE = 'release';
export const DEV = 'dev';
export type Flavour = typeof RELEASE | typeof DEV;

/** This tree's root, or `ref` unpacked into `work` (once) with this tree's node_modules. */
function sourceAt(ref: string | null, work: string): string {
  if (ref === null) return ROOT;
  const root = join(work, `src-${ref.replace(/[^\w.-]/g, '_')}`);
  if (!existsSync(root)) {
    mkdirSync(root, { recursive: true });
    const archive = execFileSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  }
  return root;
}

/** The relay of `ref` (null: this tree's dist/relay as it is), built by its own scripts/build.ts; its server.js. */
export function relayAt(ref: string | null, work: string): { label: string; serverJs: string } {
  if (ref === null) return { label: 'this tree', serverJs: join(ROOT, 'dist/relay/server.js') };
  const root = sourceAt(ref, work);
  execFileSync(process.execPath, ['scripts/build.ts', '--quiet', '--only', 'relay'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return { label: ref, serverJs: join(root, 'dist/relay/server.js') };
}

/**
 * A build of `ref` (null: this tree) in a temp folder. A release build is what `npm run package` ships
 * (minified, no source maps); a dev build is what the end-to-end tests load (readable, source maps).
 */
export function buildExtension(ref: string | null, flavour: Flavour, work: string): Build {
  const root = sourceAt(ref, work);
  const dist = join(work, `dist-${ref ?? 'tree'}-${flavour}`.replace(/[^\w.-]/g, '_'));
  // The default local relay (loopback), whichever flavour: the pages' code is the same for any relay.
  const { SVC_RELAY_URL: _, ...env } = process.env;
  const release = flavour === RELEASE ? ['--release'] : [];
  for (const target of ['chrome', 'firefox']) {
    execFileSync(
      process.execPath,
      ['scripts/build.ts', '--quiet', '--dist', dist, ...release, '--only', target],
      {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env,
      },
    );
  }
  return { label: ref ?? 'this tree', dist };
}

export function workDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'svc-bench-builds-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
