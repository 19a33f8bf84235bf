/**
 * A child process's exit code once everything it wrote has been read. Node may emit 'exit' while the child's
 * stdout and stderr still hold its last lines (the JSON report a command prints just before it exits, a
 * relay's "stopped" log line): a busy computer delivers them after, so a test that reads the output on
 * 'exit' sees it cut short now and then. 'close' comes after the streams ended; if something the child
 * started keeps them open, the code is taken anyway `graceMs` after the exit.
 */
import type { ChildProcess } from 'node:child_process';

export function exitedWithOutput(child: ChildProcess, graceMs = 5000): Promise<number | null> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    child.once('close', (code: number | null) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.once('exit', (code) => {
      timer = setTimeout(() => resolve(code), graceMs);
      timer.unref();
    });
  });
}
