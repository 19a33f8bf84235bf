import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/relay/config.ts';

describe('relay config', () => {
  it('has working defaults', () => {
    expect(loadConfig([], {})).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      certFile: null,
      logLevel: 'info',
    });
  });

  it('lets flags win over environment variables', () => {
    expect(loadConfig(['--port', '9443'], { SVC_RELAY_PORT: '7443' }).port).toBe(9443);
    expect(loadConfig([], { SVC_RELAY_PORT: '7443' }).port).toBe(7443);
  });

  it.each([
    [['--port', 'abc'], {}, '--port: must be an integer from 0 to 65535 (got "abc")'],
    [['--port', '70000'], {}, '--port: must be an integer from 0 to 65535 (got "70000")'],
    [[], { SVC_RELAY_PORT: '-1' }, 'SVC_RELAY_PORT: must be an integer from 0 to 65535 (got "-1")'],
    [
      ['--log-level', 'loud'],
      {},
      '--log-level: must be one of debug, info, warn, error, silent (got "loud")',
    ],
    [['--cert', 'a.pem'], {}, '--key: give both --cert and --key, or neither'],
    [['--host', 'a b'], {}, '--host: not a host name or address (got "a b")'],
    [['--bogus', '1'], {}, "Unknown option '--bogus'"],
  ] as Array<[string[], Record<string, string>, string]>)(
    '%j %j is refused in one line',
    (argv, env, message) => {
      expect(() => loadConfig(argv, env)).toThrow(message);
    },
  );
});
