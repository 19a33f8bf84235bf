/**
 * The command line checks whatever relay `--relay` names, but the built extension has host access only to
 * the relay its build defaults to; without access the browser keeps the cause of a failure to itself (a name
 * that does not resolve, a refused connection and an untrusted certificate all read "could not connect").
 * So the command line runs a private copy of the built extension whose manifest also grants the relay's
 * host: the same code, with the access a user gives with one click on "Grant access".
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { originsForAll } from '../platform/permissions.ts';
import { browserTempDir } from './temp-dir.ts';
import { tempFolder } from './temp-folders.ts';

export interface ExtensionCopy {
  dir: string;
  remove(): Promise<void>;
}

/** The manifest with host access to the URLs' hosts added (HTTPS and WSS, any port). */
export function withHostAccess(
  manifest: Record<string, unknown>,
  urls: readonly string[],
): Record<string, unknown> {
  const had = Array.isArray(manifest.host_permissions) ? (manifest.host_permissions as string[]) : [];
  return { ...manifest, host_permissions: [...new Set([...had, ...originsForAll(urls)])] };
}

/** Copies the built extension and grants it the URLs' hosts; the copy is removed with remove(). */
export async function copyWithHostAccess(
  extensionDir: string,
  urls: readonly string[],
): Promise<ExtensionCopy> {
  const { path: dir, remove } = tempFolder(browserTempDir(), 'svc-ext-');
  try {
    await cp(extensionDir, dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(withHostAccess(manifest, urls), null, 2));
    return { dir, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
