import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/relay/config.ts';

describe('relay config', () => {
  it('has working defaults', () => {
    expect(loadConfig([], {})).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      certFile: null,
      logLevel: 'info',
      mediaPorts: { first: 40000, last: 40199 },
      mediaAddress: '127.0.0.1',
      iceTcp: true,
      maxSessions: 100,
      setupTimeoutMs: 10000,
    });
  });

  it('reads the media settings from flags and environment variables', () => {
    expect(
      loadConfig(['--media-ports', '60000-64999', '--ice-tcp', 'off'], {
        SVC_RELAY_MEDIA_ADDRESS: '192.0.2.10',
        SVC_RELAY_MAX_SESSIONS: '5',
        SVC_RELAY_SETUP_TIMEOUT_MS: '3000',
      }),
    ).toMatchObject({
      mediaPorts: { first: 60000, last: 64999 },
      mediaAddress: '192.0.2.10',
      iceTcp: false,
      maxSessions: 5,
      setupTimeoutMs: 3000,
    });
    expect(loadConfig(['--media-ports', '40000-40000'], {}).mediaPorts).toEqual({
      first: 40000,
      last: 40000,
    });
  });

  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['0.0.0.0', '127.0.0.1'],
    ['::', '127.0.0.1'],
    ['localhost', '127.0.0.1'],
  ])('derives the media address from --host %s', (host, media) => {
    expect(loadConfig(['--host', host], {}).mediaAddress).toBe(media);
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
    [
      ['--media-ports', '50000-40000'],
      {},
      '--media-ports: must be a port range A-B within 1024-65535 with A <= B (got "50000-40000")',
    ],
    [
      [],
      { SVC_RELAY_MEDIA_PORTS: '80-90' },
      'SVC_RELAY_MEDIA_PORTS: must be a port range A-B within 1024-65535 with A <= B (got "80-90")',
    ],
    [
      ['--media-ports', '40000'],
      {},
      '--media-ports: must be a port range A-B within 1024-65535 with A <= B (got "40000")',
    ],
    [
      ['--media-ports', '8000-9000'],
      {},
      '--media-ports: must not include the HTTPS port 8443 (got "8000-9000")',
    ],
    [
      ['--media-address', '0.0.0.0'],
      {},
      '--media-address: must be one IPv4 address, not 0.0.0.0 (got "0.0.0.0")',
    ],
    [
      ['--media-address', 'relay.example'],
      {},
      '--media-address: must be one IPv4 address, not 0.0.0.0 (got "relay.example")',
    ],
    [
      ['--host', 'relay.example'],
      {},
      '--media-address: required when --host is not an IPv4 address (got host "relay.example")',
    ],
    [['--ice-tcp', 'yes'], {}, '--ice-tcp: must be on or off (got "yes")'],
    [['--max-sessions', '0'], {}, '--max-sessions: must be an integer from 1 to 10000 (got "0")'],
    [
      ['--setup-timeout-ms', '60000'],
      {},
      '--setup-timeout-ms: must be an integer from 1000 to 30000 (got "60000")',
    ],
  ] as Array<[string[], Record<string, string>, string]>)(
    '%j %j is refused in one line',
    (argv, env, message) => {
      expect(() => loadConfig(argv, env)).toThrow(message);
    },
  );
});
