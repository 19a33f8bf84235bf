/** The relay as an operator runs it: start-up validation and graceful shutdown. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeEchoStream, openEchoStream, timedGet } from '../helpers/relay-load.ts';
import { exitedWithOutput } from './harness/child-exit.ts';
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
    void exitedWithOutput(child).then((code) => resolve({ code, stderr }));
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

  it('leaves no data folder behind when the relay refuses to start (the harness has no stop() to call then)', async () => {
    const folders = () => readdirSync(tmpdir()).filter((n) => n.startsWith('svc-e2e-relay-'));
    const before = folders();
    await expect(startRelayProcess(['--log-level', 'loud'])).rejects.toThrow('relay exited with 2');
    expect(folders().filter((n) => !before.includes(n))).toEqual([]);
  });

  it("says at start how many helpers V8's collector has, and what the echo pays when node lacks the relay's flag", async () => {
    const entry = (relay: { logs: string[] }) =>
      JSON.parse(relay.logs.find((l) => l.includes('"v8-gc-helpers"')) as string) as Record<string, unknown>;
    // As every deployment starts it (the harness gives node RELAY_NODE_FLAGS).
    const deployed = await startRelayProcess();
    expect(entry(deployed)).toMatchObject({ level: 30, helpers: 1 });
    expect(entry(deployed)).not.toHaveProperty('advice');
    expect(await deployed.stop('SIGTERM')).toBe(0);
    // An operator's own command line without it: the relay runs, and warns with what to change.
    const bare = await startRelayProcess([], { relayNodeFlags: [] });
    expect(entry(bare)).toMatchObject({
      level: 40,
      helpers: 'node default (4)',
      advice: expect.stringContaining('start node with --v8-pool-size=1 (README, Echo paths)'),
    });
    expect(await bare.stop('SIGTERM')).toBe(0);
  });

  it('prints its certificate fingerprint and exits 0 on SIGTERM', async () => {
    const relay = await startRelayProcess();
    const listening = JSON.parse(relay.logs.find((l) => l.includes('"listening"')) as string);
    expect(listening.sha256Fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(listening.certificate).toBe('generated self-signed');
    expect(await relay.stop('SIGTERM')).toBe(0);
  });

  it('on SIGTERM mid-session drains (readyz 503, the session told and still echoed), ends it with shutdown and exits 0', async () => {
    const GRACE_MS = 2000;
    const relay = await startRelayProcess([
      '--media-ports',
      '47460-47469',
      '--shutdown-grace-ms',
      String(GRACE_MS),
    ]);
    const cert = readFileSync(relay.certFile, 'utf8');
    const stream = await openEchoStream({ port: relay.port, cert });
    try {
      expect((await timedGet(relay.port, cert, '/readyz')).status).toBe(200);
      const exited = relay.stop('SIGTERM');
      expect(await stream.sig.next('draining', 3000)).toEqual({ type: 'draining', graceMs: GRACE_MS });
      expect((await timedGet(relay.port, cert, '/readyz')).status).toBe(503);
      const echoed = stream.peer.echoedPackets;
      await expect.poll(() => stream.peer.echoedPackets, { timeout: 1000 }).toBeGreaterThan(echoed + 5);
      expect(await stream.sig.next('session-ended', GRACE_MS + 2000)).toEqual({
        type: 'session-ended',
        reason: 'shutdown',
      });
      expect((await stream.sig.closed).code).toBe(1001);
      expect(await exited).toBe(0);
      const events = relay.logs.flatMap((l) => {
        try {
          return [JSON.parse(l).event as string];
        } catch {
          return [];
        }
      });
      expect(events).toEqual(expect.arrayContaining(['shutting-down', 'draining', 'stopped']));
    } finally {
      await closeEchoStream(stream);
    }
  });
});
