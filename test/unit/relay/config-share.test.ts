/** Config keys for report sharing: storage, retention, support tokens, public URL. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/relay/config/load.ts';

describe('relay config: report sharing', () => {
  it('defaults to SQLite, 30 days, no console and the relay URL', () => {
    expect(loadConfig([], {})).toMatchObject({
      dbUrl: null,
      retentionDays: 30,
      supportTokens: [],
      publicUrl: null,
    });
  });

  it('reads every key from flags and environment variables', () => {
    const config = loadConfig(['--retention-days', '7', '--public-url', 'https://relay.example.com/'], {
      SVC_RELAY_DB_URL: 'postgresql://svc:secret@db.example:5432/svc?sslmode=require',
      SVC_RELAY_SUPPORT_TOKENS: 'alice:0123456789abcdef,bob:fedcba9876543210',
      SVC_RELAY_RETENTION_DAYS: '90',
    });
    expect(config).toMatchObject({
      dbUrl: 'postgresql://svc:secret@db.example:5432/svc?sslmode=require',
      retentionDays: 7,
      publicUrl: 'https://relay.example.com',
      supportTokens: [
        { name: 'alice', token: '0123456789abcdef' },
        { name: 'bob', token: 'fedcba9876543210' },
      ],
    });
    expect(loadConfig(['--db-url', 'postgres://localhost/svc'], {}).dbUrl).toBe('postgres://localhost/svc');
    expect(loadConfig(['--public-url', 'https://relay.example.com:8443'], {}).publicUrl).toBe(
      'https://relay.example.com:8443',
    );
  });

  it.each([
    [['--retention-days', '0'], {}, '--retention-days: must be an integer from 1 to 3650 (got "0")'],
    [
      [],
      { SVC_RELAY_RETENTION_DAYS: '30d' },
      'SVC_RELAY_RETENTION_DAYS: must be an integer from 1 to 3650 (got "30d")',
    ],
    [
      ['--public-url', 'http://relay.example.com'],
      {},
      '--public-url: must be an https:// URL without a path, e.g. https://relay.example.com (got "http://relay.example.com")',
    ],
    [
      ['--public-url', 'https://relay.example.com/support'],
      {},
      '--public-url: must be an https:// URL without a path, e.g. https://relay.example.com (got "https://relay.example.com/support")',
    ],
    [
      ['--support-tokens', 'alice:short'],
      {},
      '--support-tokens: entry 1 (alice): the token must be at least 16 characters',
    ],
    [
      [],
      { SVC_RELAY_SUPPORT_TOKENS: 'alice:0123456789abcdef,alice:fedcba9876543210' },
      'SVC_RELAY_SUPPORT_TOKENS: entry 2: the name alice is listed twice',
    ],
  ] as Array<[string[], Record<string, string>, string]>)(
    '%j %j is refused in one line',
    (argv, env, message) => {
      expect(() => loadConfig(argv, env)).toThrow(message);
    },
  );

  it.each(['mysql://u:hunter2@db/svc', 'not a url hunter2', 'https://u:hunter2@db/svc'])(
    'refuses the database URL %j without repeating it',
    (raw) => {
      let message = '';
      try {
        loadConfig(['--db-url', raw], {});
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toBe(
        '--db-url: must be a postgres:// or postgresql:// URL, e.g. postgresql://svc@db.example/svc (value not shown: it may hold a password)',
      );
      expect(message).not.toContain('hunter2');
    },
  );

  it('never shows a support token in an error', () => {
    let message = '';
    try {
      loadConfig(['--support-tokens', 'alice:0123456789abcdef,bob:0123456789abcdef'], {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('--support-tokens: entry 2 (bob): the token is used twice');
  });
});
