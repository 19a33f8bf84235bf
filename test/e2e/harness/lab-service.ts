/**
 * A small lab server run with Node inside a namespace (the DNS server, the web proxy): it prints one JSON
 * line per event on stdout, {"event":"ready"} first; a scenario changes its behaviour with one JSON line on
 * stdin, acknowledged with {"event":"mode"}. It dies with its namespace (netns.ts kills what runs there).
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BareNetns } from './netns.ts';

export interface LabService {
  /** Sends one change of behaviour and waits for the server to acknowledge it. */
  send(change: Record<string, unknown>): Promise<void>;
}

export type LabEvent = { event: string } & Record<string, unknown>;

export async function startLabService(
  ns: BareNetns,
  script: string,
  args: string[],
  onEvent: (event: LabEvent) => void = () => undefined,
): Promise<LabService> {
  const child: ChildProcess = ns.spawn([process.execPath, script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const acks: Array<() => void> = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${stderr}`)), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderr}`));
    });
    lines.on('line', (line) => {
      const event = JSON.parse(line) as LabEvent;
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (event.event === 'mode') acks.shift()?.();
      else onEvent(event);
    });
  });
  return {
    send: (change) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script} did not take ${JSON.stringify(change)}`)),
          5000,
        );
        acks.push(() => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin?.write(`${JSON.stringify(change)}\n`);
      }),
  };
}
