/** Runs `src/cli/check.ts` as users do, capturing output and exit code. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { exitedWithOutput } from './child-exit.ts';
import { ROOT } from './relay-process.ts';

/**
 * `cwd`: where the command runs (a failed --share writes its file there). `prefix`: a command that runs it
 * elsewhere and execs in place, e.g. `ip netns exec NAME` for the lab's client namespace.
 */
export function runCli(args: string[], env: Record<string, string> = {}, cwd = ROOT, prefix: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const [file, ...before] = [...prefix, process.execPath];
    const child = spawn(file as string, [...before, join(ROOT, 'src/cli/check.ts'), ...args], {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    void exitedWithOutput(child).then((code) => resolve({ code, stdout, stderr }));
  });
}
