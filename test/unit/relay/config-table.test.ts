import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_CONFIG_PATH, providerConfigText } from '../../../scripts/provider-config.ts';
import { PROBE_PORTS_PER_RANGE } from '../../../src/protocol/relay-messages.ts';
import { helpText, withReadmeTable } from '../../../src/relay/config/docs.ts';
import { CONFIG_KEYS } from '../../../src/relay/config/keys.ts';
import { loadConfig } from '../../../src/relay/config/load.ts';

const root = new URL('../../../', import.meta.url);
/** Starting the relay's module graph under a busy test run takes a few seconds. */
const SPAWN_TIMEOUT_MS = 30_000;

describe('relay config table', () => {
  it('the README relay table is the one the table renders (run npm run docs:relay-config after a change)', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    expect(readme).toBe(withReadmeTable(readme));
  });

  it('deploy/relay.json is the provider config the port tables give, and loads (run npm run docs:relay-config after a change)', () => {
    expect(readFileSync(new URL(PROVIDER_CONFIG_PATH, root), 'utf8')).toBe(providerConfigText());
    const config = loadConfig(['--config', fileURLToPath(new URL(PROVIDER_CONFIG_PATH, root))], {
      SVC_RELAY_MEDIA_ADDRESS: '192.0.2.10',
    });
    expect(config.port).toBe(443);
    // Every provider port on its own number: the relay stands in for the provider's servers.
    for (const p of [...config.probeTcp, ...config.probeUdp]) expect(p.relayPort).toBe(p.providerPort);
    expect(config.probeTcp.map((p) => p.providerPort)).toContain(5096);
    // Large ranges are given whole: the relay listens on PROBE_PORTS_PER_RANGE of each, both ends included,
    // so each run can draw its sample from the whole range.
    const udp = config.probeUdp.map((p) => p.providerPort);
    expect(udp).toEqual(expect.arrayContaining([8801, 20000, 39999, 40000, 49999, 60000, 64999]));
    const srtp = udp.filter((p) => p >= 40000 && p <= 49999);
    expect(srtp.length).toBe(PROBE_PORTS_PER_RANGE);
    // Each profile's media in its own SRTP range, the whole of it; the probe ports in it are left out of media.
    expect(config.mediaPorts).toEqual({ first: 40000, last: 49999 });
    expect(config.mediaPortsApps).toEqual({ first: 60000, last: 64999 });
  });

  it(
    '--help exits 0 and lists every key with its environment variable, default and range',
    () => {
      const out = execFileSync(process.execPath, ['src/relay/main.ts', '--help'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, SVC_RELAY_PORT: 'not-even-checked' },
      });
      for (const spec of Object.values(CONFIG_KEYS)) {
        expect(out).toContain(`--${spec.flag} <value>   (${spec.env})`);
        expect(out).toContain(spec.kind.range.split(' ')[0]);
        if (spec.default) expect(out).toContain(`default: ${spec.default};`);
      }
      expect(out).toBe(helpText());
      expect(out).toContain('default: 8443; accepts: 0-65535.');
      expect(out).toContain('default: on; accepts: on, off.');
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'an unknown flag still exits 2 with one line',
    () => {
      const run = spawnSync(process.execPath, ['src/relay/main.ts', '--bogus', '1'], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr.trim()).toBe(
        "relay: Unknown option '--bogus' (npm run relay -- --help lists the settings)",
      );
    },
    SPAWN_TIMEOUT_MS,
  );

  it('every default parses, and every key has its own flag and environment variable', () => {
    const specs = Object.values(CONFIG_KEYS);
    expect(new Set(specs.map((s) => s.flag)).size).toBe(specs.length);
    expect(new Set(specs.map((s) => s.env)).size).toBe(specs.length);
    for (const s of specs) expect(s.env).toBe(`SVC_RELAY_${s.flag.toUpperCase().replaceAll('-', '_')}`);
    expect(() => loadConfig([], {})).not.toThrow();
  });
});

describe('relay config file', () => {
  const files = (text: string) => (path: string) => {
    if (path !== '/etc/svc/relay.json') throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return text;
  };

  it('reads settings by flag name; flags and environment variables win over it', () => {
    const file = JSON.stringify({
      '// why': 'comments are keys starting with //',
      port: 9443,
      'media-ports': '60000-60099',
      'ice-tcp': false,
      'probe-tcp': ['5096:15096', '443:15443'],
      'retention-days': 7,
    });
    const config = loadConfig(['--config', '/etc/svc/relay.json', '--retention-days', '9'], {}, files(file));
    expect(config).toMatchObject({
      port: 9443,
      mediaPorts: { first: 60000, last: 60099 },
      iceTcp: false,
      retentionDays: 9,
      probeTcp: [
        { providerPort: 5096, relayPort: 15096 },
        { providerPort: 443, relayPort: 15443 },
      ],
    });
    const viaEnv = loadConfig(
      [],
      { SVC_RELAY_CONFIG: '/etc/svc/relay.json', SVC_RELAY_PORT: '7443' },
      files(file),
    );
    expect(viaEnv.port).toBe(7443);
    expect(viaEnv.retentionDays).toBe(7);
  });

  it.each([
    ['{"port": 70000}', '/etc/svc/relay.json: port: must be an integer from 0 to 65535 (got "70000")'],
    [
      '{"prot": 443}',
      '/etc/svc/relay.json: unknown setting "prot" (the keys are the flag names, e.g. "media-ports")',
    ],
    ['{"config": "other.json"}', '/etc/svc/relay.json: unknown setting "config"'],
    [
      '{"port": {"n": 1}}',
      '/etc/svc/relay.json: port: must be a string, a number, true/false or a list of them',
    ],
    ['[443]', '/etc/svc/relay.json: must be a JSON object of settings, e.g. {"port": 443}'],
    ['{"port": 443,}', '/etc/svc/relay.json: not valid JSON'],
    [`{"//": "${'x'.repeat(70_000)}"}`, '/etc/svc/relay.json: a config file is at most 65536 bytes'],
    [
      '{"db-url": "mysql://u:secret@db/svc"}',
      '/etc/svc/relay.json: db-url: must be a postgres:// or postgresql:// URL',
    ],
  ])('a bad file is refused in one line naming the file and key: %#', (text, message) => {
    expect(() => loadConfig(['--config', '/etc/svc/relay.json'], {}, files(text))).toThrow(message);
  });

  it('a missing file is named with the reason', () => {
    expect(() => loadConfig(['--config', '/etc/svc/nope.json'], {}, files('{}'))).toThrow(
      '/etc/svc/nope.json: cannot read the config file (ENOENT)',
    );
  });

  it('never repeats a secret from the file', () => {
    const run = () =>
      loadConfig(['--config', '/etc/svc/relay.json'], {}, files('{"support-tokens": "alice:short-secret"}'));
    expect(run).toThrow(
      '/etc/svc/relay.json: support-tokens: entry 1 (alice): the token must be at least 16 characters',
    );
    expect(run).not.toThrow('short-secret');
  });
});
