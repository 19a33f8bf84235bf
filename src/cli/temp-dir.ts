/**
 * Where the command line puts the browsers' temporary folders. Chromium binds a Unix socket (its
 * "SingletonSocket") inside a folder it makes under TMPDIR, and a socket path may be at most 107 bytes on
 * Linux: with a temporary folder path of ~70 characters or more, Chromium exits at start and Playwright only
 * says "Target page, context or browser has been closed". So a long TMPDIR is replaced by /tmp for the
 * browser, and where that is not possible the error names the limit.
 */
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { EnvironmentError } from './environment-error.ts';

/** Socket path limit (sun_path, 108 bytes with the terminating zero) less Chromium's own folder and name. */
export const MAX_TEMP_PATH = 107 - '/.org.chromium.Chromium.XXXXXX/SingletonSocket'.length;

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A temporary folder short enough for the browser's sockets: TMPDIR, or /tmp when TMPDIR is too long. */
export function browserTempDir(from: string = tmpdir(), fallback = '/tmp'): string {
  if (from.length <= MAX_TEMP_PATH) return from;
  if (writable(fallback)) return fallback;
  throw new EnvironmentError(
    `the temporary folder ${from} is ${from.length} characters long; Chromium's socket path under it would exceed the 107-byte limit for Unix sockets. Set TMPDIR to a folder with a path of at most ${MAX_TEMP_PATH} characters.`,
  );
}

/**
 * The environment a browser starts with: its temporary files in `dir`, and, where no session runtime folder
 * is set (root, cron, CI), its runtime folder in `runtime`, a folder of this run that the command line
 * removes with the browser. Without one, the browsers' audio client (libpulse) makes its own in /tmp
 * (`pulse-XXXXXXXXXXXX`) at every run and leaves it there, and dconf its `dconf` folder. A desktop
 * session's own XDG_RUNTIME_DIR is left alone.
 */
export function browserEnv(
  dir: string,
  runtime: string,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  return { ...env, TMPDIR: dir, ...(env.XDG_RUNTIME_DIR ? {} : { XDG_RUNTIME_DIR: runtime }) };
}
