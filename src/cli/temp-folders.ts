/**
 * The command line's temporary folders (browser profiles, the extension's private copy) are removed however
 * the command ends. Its own code removes them at a normal end and when a launch fails; a folder still here
 * when the process exits another way (Ctrl-C while the browser starts, where puppeteer's own SIGINT handler
 * exits at once; the 10 s limit after a signal; any other process.exit) is removed at exit, synchronously,
 * after stopping the browser that writes in it. Only SIGKILL leaves one behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface TempFolder {
  readonly path: string;
  /** What to stop before the folder is removed at exit: the browser that still writes in it. */
  stopAtExit(stop: () => void): void;
  /** Removes the folder now; then nothing is left for the exit. */
  remove(): Promise<void>;
}

/** Folders not removed yet, each with what to stop first. */
const pending = new Map<string, () => void>();
let listening = false;

function removeLeftovers(): void {
  for (const [path, stop] of pending) {
    try {
      stop();
    } catch {
      // Already gone.
    }
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // The process is ending: nothing else to try.
    }
  }
  pending.clear();
}

/** A new folder under `parent` named `prefix` and random characters, removed at exit unless removed before. */
export function tempFolder(parent: string, prefix: string): TempFolder {
  if (!listening) {
    process.on('exit', removeLeftovers);
    listening = true;
  }
  // Made and listed in one step: an exit in between would leave it behind.
  const path = mkdtempSync(join(parent, prefix));
  pending.set(path, () => undefined);
  return {
    path,
    stopAtExit(stop) {
      if (pending.has(path)) pending.set(path, stop);
    },
    async remove() {
      await rm(path, { recursive: true, force: true, maxRetries: 3 });
      pending.delete(path);
    },
  };
}

/** Kills a browser the drivers started in a process group of its own (puppeteer's `detached`), with its children. */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
