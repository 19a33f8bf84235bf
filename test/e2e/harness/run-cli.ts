/** Runs `src/cli/check.ts` as users do, capturing output and exit code. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { exitedWithOutput } from './child-exit.ts';
import { ROOT } from './relay-process.ts';

/**
 * How long the command may take before the harness stops it: under the e2e tests' own 120 s limit, so a run
 * that does not end fails with what the command and its browser printed rather than a bare test timeout.
 */
export const CLI_LIMIT_MS = 100_000;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, printed with a stopped run. */
  ms: number;
}

/**
 * `cwd`: where the command runs (a failed --share writes its file there). `prefix`: a command that runs it
 * elsewhere and execs in place, e.g. `ip netns exec NAME` for the lab's client namespace. A command still
 * running after `limitMs` gets SIGTERM (it then closes its browser and ends within 10 s), SIGKILL 12 s later,
 * and its stderr ends with a line that says so.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  prefix: string[] = [],
  limitMs = CLI_LIMIT_MS,
) {
  return new Promise<CliRun>((resolve) => {
    const [file, ...before] = [...prefix, process.execPath];
    const t0 = Date.now();
    const child = spawn(file as string, [...before, join(ROOT, 'src/cli/check.ts'), ...args], {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stopped run is signalled as a whole (the browser drivers start the browser
      // in a group of its own: the command closes it when signalled, and is given the 10 s it allows itself).
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 12_000).unref();
    }, limitMs);
    void exitedWithOutput(child).then((code) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      const note = stopped
        ? `\n[harness: the command was still running after ${limitMs} ms and was stopped]`
        : '';
      if (stopped)
        console.error(
          `runCli ${args.join(' ')}: stopped after ${ms} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        );
      resolve({ code, stdout, stderr: stderr + note, ms });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
