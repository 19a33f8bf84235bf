import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/relay/config/load.ts';

describe('relay config', () => {
  it('has working defaults', () => {
    expect(loadConfig([], {})).toMatchObject({
      host: '127.0.0.1',
      port: 8443,
      certFile: null,
      logLevel: 'info',
      mediaPorts: { first: 40000, last: 40199 },
      // Unset: the apps' checks use the desk phones' range.
      mediaPortsApps: { first: 40000, last: 40199 },
      mediaAddress: '127.0.0.1',
      iceTcp: true,
      maxSessions: 100,
      setupTimeoutMs: 10000,
      probeTcp: [],
      probeUdp: [],
      probeAddress: '127.0.0.1',
    });
  });

  it('reads the probe port maps; the relay port defaults to the provider port', () => {
    const config = loadConfig(
      ['--probe-tcp', '5096:15096, 5097:15097,443:15443', '--probe-udp', '40000:41000'],
      {
        SVC_RELAY_PROBE_ADDRESS: '192.0.2.20',
      },
    );
    expect(config.probeTcp).toEqual([
      { providerPort: 5096, relayPort: 15096 },
      { providerPort: 5097, relayPort: 15097 },
      { providerPort: 443, relayPort: 15443 },
    ]);
    expect(config.probeUdp).toEqual([{ providerPort: 40000, relayPort: 41000 }]);
    expect(config.probeAddress).toBe('192.0.2.20');
    expect(config.probeAddress6).toBeNull();
    expect(loadConfig(['--probe-address6', '2001:DB8:113::10'], {}).probeAddress6).toBe('2001:db8:113::10');
    expect(config.mediaAddress6).toBeNull();
    expect(loadConfig([], { SVC_RELAY_MEDIA_ADDRESS6: '2001:DB8:113::10' }).mediaAddress6).toBe(
      '2001:db8:113::10',
    );
    expect(loadConfig([], { SVC_RELAY_PROBE_UDP: '8801' }).probeUdp).toEqual([
      { providerPort: 8801, relayPort: 8801 },
    ]);
    // The same number on both transports is two different listeners.
    expect(loadConfig(['--probe-tcp', '8801', '--probe-udp', '8801'], {}).probeTcp).toHaveLength(1);
    // A TCP probe may sit in the media range when nothing listens on TCP there.
    expect(loadConfig(['--probe-tcp', '40000', '--ice-tcp', 'off'], {}).probeTcp).toHaveLength(1);
    // A UDP probe may sit in a media range: media leaves the probe ports out (MediaPorts).
    expect(loadConfig(['--probe-udp', '40000'], {}).probeUdp).toEqual([
      { providerPort: 40000, relayPort: 40000 },
    ]);
  });

  it('defaults the probe address to the media address', () => {
    expect(loadConfig(['--host', '0.0.0.0', '--media-address', '192.0.2.5'], {}).probeAddress).toBe(
      '192.0.2.5',
    );
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
    expect(
      loadConfig([], { SVC_RELAY_MEDIA_PORTS: '40000-49999', SVC_RELAY_MEDIA_PORTS_APPS: '60000-64999' }),
    ).toMatchObject({
      mediaPorts: { first: 40000, last: 49999 },
      mediaPortsApps: { first: 60000, last: 64999 },
    });
    // The same range twice is one pool, not an overlap.
    expect(loadConfig(['--media-ports-apps', '40000-40199'], {}).mediaPortsApps).toEqual({
      first: 40000,
      last: 40199,
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
    [
      ['--probe-tcp', '5096:'],
      {},
      '--probe-tcp: must be a comma list of provider[:relay] ports or provider ranges A-B[:relay start], from 1 to 65535, e.g. 5096:15096,40000-49999 (got "5096:")',
    ],
    [
      [],
      { SVC_RELAY_PROBE_UDP: '0:15000' },
      'SVC_RELAY_PROBE_UDP: must be a comma list of provider[:relay] ports or provider ranges A-B[:relay start], from 1 to 65535, e.g. 5096:15096,40000-49999 (got "0:15000")',
    ],
    [
      ['--probe-udp', '8801:70000'],
      {},
      '--probe-udp: must be a comma list of provider[:relay] ports or provider ranges A-B[:relay start], from 1 to 65535, e.g. 5096:15096,40000-49999 (got "8801:70000")',
    ],
    [
      ['--probe-tcp', '5096,,5097'],
      {},
      '--probe-tcp: must be a comma list of provider[:relay] ports or provider ranges A-B[:relay start], from 1 to 65535, e.g. 5096:15096,40000-49999 (got "5096,,5097")',
    ],
    [
      ['--probe-tcp', '5096:15096,5096:15097'],
      {},
      '--probe-tcp: provider port 5096 is listed twice (got "5096:15096,5096:15097")',
    ],
    [
      ['--probe-udp', '5096:15096,5097:15096'],
      {},
      '--probe-udp: relay port 15096 is listed twice (got "5096:15096,5097:15096")',
    ],
    [
      ['--probe-tcp', '40100'],
      {},
      '--probe-tcp: relay port 40100 is inside --media-ports 40000-40199 while --ice-tcp is on; map it to another port (got "40100")',
    ],
    [
      ['--probe-tcp', '60050', '--media-ports-apps', '60000-60199'],
      {},
      '--probe-tcp: relay port 60050 is inside --media-ports-apps 60000-60199 while --ice-tcp is on; map it to another port (got "60050")',
    ],
    [
      ['--media-ports-apps', '40100-40299'],
      {},
      '--media-ports-apps: must not overlap --media-ports 40000-40199 (got "40100-40299")',
    ],
    [
      ['--media-ports-apps', '8000-9000'],
      {},
      '--media-ports-apps: must not include the HTTPS port 8443 (got "8000-9000")',
    ],
    [
      ['--media-ports-apps', '60000'],
      {},
      '--media-ports-apps: must be a port range A-B within 1024-65535 with A <= B (got "60000")',
    ],
    [
      ['--probe-udp', Array.from({ length: 1025 }, (_, i) => 20000 + i).join(',')],
      {},
      '--probe-udp: at most 1024 ports (got 1025)',
    ],
    [
      ['--probe-address', '0.0.0.0'],
      {},
      '--probe-address: must be one IPv4 address, not 0.0.0.0 (got "0.0.0.0")',
    ],
    [['--probe-address6', '::'], {}, '--probe-address6: must be one IPv6 address, not :: (got "::")'],
    [['--media-address6', '::'], {}, '--media-address6: must be one IPv6 address, not :: (got "::")'],
    [
      ['--media-address6', '192.0.2.10'],
      {},
      '--media-address6: must be one IPv6 address, not :: (got "192.0.2.10")',
    ],
    [
      ['--probe-address6', '203.0.113.10'],
      {},
      '--probe-address6: must be one IPv6 address, not :: (got "203.0.113.10")',
    ],
  ] as Array<[string[], Record<string, string>, string]>)(
    '%j %j is refused in one line',
    (argv, env, message) => {
      expect(() => loadConfig(argv, env)).toThrow(message);
    },
  );

  it('reads the connection limits, with defaults, and refuses a request timeout below the headers timeout', () => {
    expect(loadConfig([], {})).toMatchObject({
      tlsHandshakeTimeoutMs: 5000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 15_000,
      maxConnectionsPerAddress: 200,
      maxConnections: 10_000,
    });
    expect(
      loadConfig(['--tls-handshake-timeout-ms', '2000', '--max-connections-per-address', '500'], {
        SVC_RELAY_MAX_CONNECTIONS: '3000',
        SVC_RELAY_HEADERS_TIMEOUT_MS: '5000',
        SVC_RELAY_REQUEST_TIMEOUT_MS: '8000',
      }),
    ).toMatchObject({
      tlsHandshakeTimeoutMs: 2000,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 8000,
      maxConnectionsPerAddress: 500,
      maxConnections: 3000,
    });
    expect(() => loadConfig(['--request-timeout-ms', '5000'], {})).toThrow(
      '--request-timeout-ms: must not be shorter than the headers timeout (10000)',
    );
    expect(() => loadConfig(['--max-connections-per-address', '10'], {})).toThrow(
      '--max-connections-per-address: must be an integer from 70 to 100000 (got "10")',
    );
  });

  it('reads the session limits and WebSocket timers, with defaults', () => {
    expect(loadConfig([], {})).toMatchObject({
      maxSessionsPerAddress: 4,
      sessionStartsPerMinute: 20,
      maxSessionKbps: 256,
      wsHeartbeatMs: 15_000,
      wsIdleTimeoutMs: 10_000,
    });
    expect(
      loadConfig(['--max-sessions-per-address', '10', '--ws-heartbeat-ms', '5000'], {
        SVC_RELAY_SESSION_STARTS_PER_MINUTE: '60',
        SVC_RELAY_MAX_SESSION_KBPS: '512',
        SVC_RELAY_WS_IDLE_TIMEOUT_MS: '30000',
      }),
    ).toMatchObject({
      maxSessionsPerAddress: 10,
      sessionStartsPerMinute: 60,
      maxSessionKbps: 512,
      wsHeartbeatMs: 5000,
      wsIdleTimeoutMs: 30_000,
    });
  });

  it.each([
    [
      ['--max-sessions-per-address', '0'],
      '--max-sessions-per-address: must be an integer from 1 to 10000 (got "0")',
    ],
    [
      ['--session-starts-per-minute', 'lots'],
      '--session-starts-per-minute: must be an integer from 1 to 100000',
    ],
    [['--max-session-kbps', '64'], '--max-session-kbps: must be an integer from 128 to 1000000 (got "64")'],
    [['--ws-heartbeat-ms', '100'], '--ws-heartbeat-ms: must be an integer from 1000 to 600000 (got "100")'],
    [
      ['--ws-idle-timeout-ms', '999'],
      '--ws-idle-timeout-ms: must be an integer from 1000 to 600000 (got "999")',
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(message);
  });
});
