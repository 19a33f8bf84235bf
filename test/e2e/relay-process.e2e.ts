/** The relay as an operator runs it: start-up validation and graceful shutdown. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startRelayProcess } from './harness/relay-process.ts';

function runRelay(args: string[]) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/relay/server.js'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('relay process', () => {
  it.each([
    [['--port', 'abc'], 'relay: --port: must be an integer from 0 to 65535 (got "abc")'],
    [
      ['--log-level', 'loud'],
      'relay: --log-level: must be one of debug, info, warn, error, silent (got "loud")',
    ],
    [['--cert', '/nonexistent.pem', '--key', '/nonexistent.key'], 'relay: cannot load TLS certificate/key:'],
  ])('refuses %j with one line and a non-zero exit', async (args, message) => {
    const r = await runRelay(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('prints its certificate fingerprint and exits 0 on SIGTERM', async () => {
    const relay = await startRelayProcess();
    const listening = JSON.parse(relay.logs.find((l) => l.includes('"listening"')) as string);
    expect(listening.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(listening.certificate).toBe('generated self-signed');
    expect(await relay.stop('SIGTERM')).toBe(0);
  });
});
