/** The built relay as a real child process on an ephemeral loopback port, as users run it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RELAY_NODE_FLAGS } from '../../../src/relay/gc-threads.ts';
import { timedGet } from '../../helpers/relay-load.ts';
import { exitedWithOutput } from './child-exit.ts';

export const ROOT = join(import.meta.dirname, '../../..');

export interface RelayProcess {
  url: string;
  port: number;
  spkiSha256: string;
  certFile: string;
  dataDir: string;
  child: ChildProcess;
  logs: string[];
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Node options for a relay whose memory a test measures: SIGUSR2 then runs a full garbage collection
 * (gc-on-signal.ts), so figures compare live memory rather than how lazily V8 happened to collect.
 */
export const GC_ON_SIGNAL = ['--expose-gc', '--import', join(ROOT, 'test/e2e/harness/gc-on-signal.ts')];

export async function startRelayProcess(
  extraArgs: string[] = [],
  opts: {
    /** Node options after the ones every relay is started with, as the deployments start it. */
    nodeArgs?: string[];
    /** Those (default RELAY_NODE_FLAGS); a benchmark measures the relay without them too. */
    relayNodeFlags?: readonly string[];
    /** Runs the relay through this command, e.g. `ip netns exec NAME` (it must exec in place). */
    prefix?: string[];
    /** Another build of the relay (a benchmark's "before"); default: this tree's dist/relay/server.js. */
    serverJs?: string;
    /** How long the relay may take to listen (default 15 s; a benchmark under Valgrind needs minutes). */
    startTimeoutMs?: number;
  } = {},
): Promise<RelayProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'svc-e2e-relay-'));
  // The NAT binding lifetime's default gaps (up to 2 minutes) would make every extended check in the suite
  // last minutes: this tree's relay waits 1 and 2 s unless the test chooses (lab-nat-binding.e2e.ts does).
  const gaps = opts.serverJs || extraArgs.includes('--binding-gaps') ? [] : ['--binding-gaps', '1,2'];
  const [file, ...prefixArgs] = [...(opts.prefix ?? []), process.execPath];
  const child = spawn(
    file as string,
    [
      ...prefixArgs,
      ...(opts.relayNodeFlags ?? RELAY_NODE_FLAGS),
      ...(opts.nodeArgs ?? []),
      opts.serverJs ?? join(ROOT, 'dist/relay/server.js'),
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...gaps,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  // After its last log lines were read ("stopped"), not only after the process ended.
  const exited = exitedWithOutput(child);
  const listening = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running once the test has given up on it.
      child.kill('SIGKILL');
      reject(new Error(`relay did not start:\n${logs.join('\n')}`));
    }, opts.startTimeoutMs ?? 15_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line);
        if (entry.event === 'listening') {
          clearTimeout(timer);
          resolve(entry);
        }
      } catch {
        // not JSON: keep it in the logs only
      }
    });
    child.stderr?.on('data', (d) => logs.push(String(d)));
    void exited.then((code) => reject(new Error(`relay exited with ${code}:\n${logs.join('\n')}`)));
  }).catch(async (err: unknown) => {
    // A relay that never listened (a test of a refused configuration, or one that did not start in time)
    // has no stop() to remove its data folder.
    await exited;
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  const url = listening.url as string;
  return {
    url,
    port: Number(new URL(url).port),
    spkiSha256: listening.spkiSha256 as string,
    certFile: join(dataDir, 'relay-cert.pem'),
    dataDir,
    child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** One unlabelled counter or gauge from the relay's /metrics, as an operator's scraper reads it (NaN: absent). */
export async function relayMetric(relay: RelayProcess, name: string): Promise<number> {
  const { body } = await timedGet(relay.port, readFileSync(relay.certFile, 'utf8'), '/metrics');
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.slice(name.length + 1) ?? Number.NaN);
}
