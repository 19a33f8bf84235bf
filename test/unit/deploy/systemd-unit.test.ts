import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const UNIT = 'secure-voice-check-relay.service';
const source = await readFile(new URL(`../../../deploy/systemd/${UNIT}`, import.meta.url), 'utf8');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** systemd-analyze verify on a copy (ExecStart's node made this machine's, which verify requires to exist). */
async function verify(text: string): Promise<{ status: number | null; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'svc-systemd-'));
  dirs.push(dir);
  const path = join(dir, UNIT);
  await writeFile(path, text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
  const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
  if (r.error) throw new Error(`systemd-analyze: ${r.error.message} (Debian package systemd)`);
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('systemd unit', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    expect(await verify(source)).toEqual({ status: 0, output: '' });
  });

  it('verify does catch a bad setting (so the check above means something)', async () => {
    const { output } = await verify(source.replace('ProtectSystem=strict', 'ProtectSystem=sometimes'));
    expect(output).toContain('Failed to parse protect system value');
  });

  it('is hardened: own user, only CAP_NET_BIND_SERVICE, read-only system, a state directory, reload = SIGHUP', () => {
    const settings = new Map(
      source
        .split('\n')
        .filter((l) => /^\w+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    expect(settings.get('User')).toBe('svc-relay');
    expect(settings.get('AmbientCapabilities')).toBe('CAP_NET_BIND_SERVICE');
    expect(settings.get('CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE');
    expect(settings.get('ProtectSystem')).toBe('strict');
    expect(settings.get('NoNewPrivileges')).toBe('yes');
    expect(settings.get('StateDirectory')).toBe('secure-voice-check');
    expect(settings.get('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(settings.get('Environment')).toBe('NODE_ENV=production');
    // Real-time priority 1 and no higher, for the native echo's bounded thread (--native-echo-priority auto).
    expect(settings.get('LimitRTPRIO')).toBe('1');
    expect(settings.get('RestrictRealtime')).toBe('no');
  });
});
