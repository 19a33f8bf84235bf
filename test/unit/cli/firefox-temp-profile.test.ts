/**
 * Ctrl-C or SIGTERM while Firefox starts, or a Firefox that fails to start, leaves no `svc-firefox-*`
 * profile behind. The launch is the command line's own (src/cli/firefox.ts) in a child process; the
 * "Firefox" is a script that says it started and then waits, or exits at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitedWithOutput } from '../../e2e/harness/child-exit.ts';

const CHILD = join(import.meta.dirname, '../../helpers/firefox-launch-child.ts');

let root: string;
let childTmp: string;
let startedFile: string;
let signalsReadyFile: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'svc-firefox-test-'));
  childTmp = join(root, 'tmp');
  mkdirSync(childTmp);
  mkdirSync(join(root, 'addon'));
  writeFileSync(join(root, 'addon/manifest.json'), '{}');
  startedFile = join(root, 'started');
  signalsReadyFile = join(root, 'signals-ready');
});

afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  const pid = existsSync(startedFile) ? Number(readFileSync(startedFile, 'utf8')) : 0;
  if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A stand-in for Firefox in a folder of its own (the launch links the whole folder). */
function fakeFirefox(body: string): string {
  const dir = join(root, 'firefox-install');
  mkdirSync(dir);
  const file = join(dir, 'firefox-esr');
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function launch(firefoxPath: string): ChildProcess {
  child = spawn(process.execPath, [CHILD, join(root, 'addon')], {
    env: {
      ...process.env,
      FIREFOX_PATH: firefoxPath,
      TMPDIR: childTmp,
      SVC_SIGNALS_READY_FILE: signalsReadyFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return child;
}

const written = (file: string) => existsSync(file) && readFileSync(file, 'utf8').trim() !== '';

/** Firefox runs and the launch listens for the signals (test/helpers/firefox-launch-child.ts says why both). */
async function untilFirefoxStarted(): Promise<number> {
  await expect.poll(() => written(startedFile) && written(signalsReadyFile), { timeout: 20_000 }).toBe(true);
  return Number(readFileSync(startedFile, 'utf8'));
}

const profilesLeft = () => readdirSync(childTmp).filter((name) => name.startsWith('svc-'));

describe("Firefox's temporary profile", () => {
  it('is removed when Firefox fails to start', async () => {
    const run = launch(fakeFirefox('exit 1'));
    const code = await exitedWithOutput(run);
    expect(code).not.toBe(0);
    expect(profilesLeft()).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', null],
  ] as const)('is removed, and Firefox stopped, on %s while Firefox starts', async (signal, exitCode) => {
    const run = launch(fakeFirefox(`echo $$ > "${startedFile}"\nexec sleep 60`));
    // Inside the launch: the folder is made and Firefox runs, but has not said it is ready.
    const pid = await untilFirefoxStarted();
    expect(profilesLeft()).toHaveLength(1);
    run.kill(signal);
    const code = await exitedWithOutput(run);
    if (exitCode !== null) expect(code).toBe(exitCode);
    expect(profilesLeft()).toEqual([]);
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  });
});
