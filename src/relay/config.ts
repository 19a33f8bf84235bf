/**
 * Relay configuration from flags and environment variables (flags win), validated at start. A bad value is
 * one line naming the key and the problem, and the process exits non-zero.
 */
import { isIPv4 } from 'node:net';
import { parseArgs } from 'node:util';

export interface RelayConfig {
  host: string;
  port: number;
  certFile: string | null;
  keyFile: string | null;
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** How long running sessions get to finish after SIGTERM. */
  shutdownGraceMs: number;
  /** UDP (and ICE-TCP) ports the media sessions bind to, one port per session. */
  mediaPorts: { first: number; last: number };
  /** IPv4 address the media sockets bind to and advertise as their host candidate. */
  mediaAddress: string;
  /** Offer a passive ICE-TCP candidate on the same port, for networks that block UDP. */
  iceTcp: boolean;
  /** Most media sessions at once, whatever the port range allows. */
  maxSessions: number;
  /** A session that has not connected DTLS within this is freed. */
  setupTimeoutMs: number;
}

export class ConfigError extends Error {}

interface KeySpec {
  flag: string;
  env: string;
  help: string;
  default: string;
}

export const CONFIG_KEYS: Record<keyof RelayConfig, KeySpec> = {
  host: { flag: 'host', env: 'SVC_RELAY_HOST', help: 'address to listen on', default: '127.0.0.1' },
  port: { flag: 'port', env: 'SVC_RELAY_PORT', help: 'HTTPS/WSS port', default: '8443' },
  certFile: { flag: 'cert', env: 'SVC_RELAY_CERT', help: 'TLS certificate file (PEM)', default: '' },
  keyFile: { flag: 'key', env: 'SVC_RELAY_KEY', help: 'TLS private key file (PEM)', default: '' },
  dataDir: {
    flag: 'data-dir',
    env: 'SVC_RELAY_DATA_DIR',
    help: 'folder for generated files',
    default: '.relay-data',
  },
  logLevel: {
    flag: 'log-level',
    env: 'SVC_RELAY_LOG_LEVEL',
    help: 'debug|info|warn|error|silent',
    default: 'info',
  },
  shutdownGraceMs: {
    flag: 'shutdown-grace-ms',
    env: 'SVC_RELAY_SHUTDOWN_GRACE_MS',
    help: 'time running sessions get after SIGTERM',
    default: '10000',
  },
  mediaPorts: {
    flag: 'media-ports',
    env: 'SVC_RELAY_MEDIA_PORTS',
    help: 'UDP/TCP port range A-B for media, one port per session',
    default: '40000-40199',
  },
  mediaAddress: {
    flag: 'media-address',
    env: 'SVC_RELAY_MEDIA_ADDRESS',
    help: 'IPv4 address media binds to and advertises (default: --host, or 127.0.0.1 for 0.0.0.0/::)',
    default: '',
  },
  iceTcp: { flag: 'ice-tcp', env: 'SVC_RELAY_ICE_TCP', help: 'on|off: offer passive ICE-TCP', default: 'on' },
  maxSessions: {
    flag: 'max-sessions',
    env: 'SVC_RELAY_MAX_SESSIONS',
    help: 'most media sessions at once',
    default: '100',
  },
  setupTimeoutMs: {
    flag: 'setup-timeout-ms',
    env: 'SVC_RELAY_SETUP_TIMEOUT_MS',
    help: 'time a media session gets to connect DTLS',
    default: '10000',
  },
};

function int(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function portRange(name: string, raw: string): { first: number; last: number } {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1024 || last > 65535 || first > last) {
    throw new ConfigError(`${name}: must be a port range A-B within 1024-65535 with A <= B (got "${raw}")`);
  }
  return { first, last };
}

/** Hosts that mean "every interface" or "this machine": media then defaults to loopback. */
const LOOPBACK_DEFAULT_HOSTS = ['0.0.0.0', '::', 'localhost', '::1'];

/**
 * Media needs one concrete IPv4 address: werift advertises the address it binds to, and its own interface
 * scan skips loopback, so "all interfaces" cannot be passed through.
 */
function mediaAddress(given: { name: string; raw: string }, host: string): string {
  if (given.raw) {
    if (!isIPv4(given.raw) || given.raw === '0.0.0.0') {
      throw new ConfigError(`${given.name}: must be one IPv4 address, not 0.0.0.0 (got "${given.raw}")`);
    }
    return given.raw;
  }
  if (isIPv4(host) && host !== '0.0.0.0') return host;
  if (LOOPBACK_DEFAULT_HOSTS.includes(host)) return '127.0.0.1';
  throw new ConfigError(`${given.name}: required when --host is not an IPv4 address (got host "${host}")`);
}

/** Parses argv and env into a validated config; throws ConfigError with a one-line message. */
export function loadConfig(argv: string[], env: Record<string, string | undefined>): RelayConfig {
  const options = Object.fromEntries(
    Object.values(CONFIG_KEYS).map((k) => [k.flag, { type: 'string' as const }]),
  ) as Record<string, { type: 'string' }>;
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const get = (k: keyof RelayConfig): { name: string; raw: string } => {
    const spec = CONFIG_KEYS[k];
    if (values[spec.flag] !== undefined) return { name: `--${spec.flag}`, raw: values[spec.flag] as string };
    if (env[spec.env] !== undefined) return { name: spec.env, raw: env[spec.env] as string };
    return { name: `--${spec.flag}`, raw: spec.default };
  };

  const port = get('port');
  const host = get('host');
  if (!/^[\w.:-]+$/.test(host.raw))
    throw new ConfigError(`${host.name}: not a host name or address (got "${host.raw}")`);
  const cert = get('certFile');
  const key = get('keyFile');
  if (Boolean(cert.raw) !== Boolean(key.raw)) {
    throw new ConfigError(`${cert.raw ? key.name : cert.name}: give both --cert and --key, or neither`);
  }
  const level = get('logLevel');
  if (!(LEVELS as readonly string[]).includes(level.raw)) {
    throw new ConfigError(`${level.name}: must be one of ${LEVELS.join(', ')} (got "${level.raw}")`);
  }
  const dataDir = get('dataDir');
  if (!dataDir.raw) throw new ConfigError(`${dataDir.name}: must not be empty`);
  const grace = get('shutdownGraceMs');
  const httpsPort = int(port.name, port.raw, 0, 65535);
  const ports = get('mediaPorts');
  const mediaPorts = portRange(ports.name, ports.raw);
  // The passive ICE-TCP listener would collide with the HTTPS listener on the same port.
  if (httpsPort >= mediaPorts.first && httpsPort <= mediaPorts.last) {
    throw new ConfigError(`${ports.name}: must not include the HTTPS port ${httpsPort} (got "${ports.raw}")`);
  }
  const iceTcp = get('iceTcp');
  if (iceTcp.raw !== 'on' && iceTcp.raw !== 'off') {
    throw new ConfigError(`${iceTcp.name}: must be on or off (got "${iceTcp.raw}")`);
  }
  const maxSessions = get('maxSessions');
  const setup = get('setupTimeoutMs');
  return {
    host: host.raw,
    port: httpsPort,
    certFile: cert.raw || null,
    keyFile: key.raw || null,
    dataDir: dataDir.raw,
    logLevel: level.raw as RelayConfig['logLevel'],
    shutdownGraceMs: int(grace.name, grace.raw, 0, 600_000),
    mediaPorts,
    mediaAddress: mediaAddress(get('mediaAddress'), host.raw),
    iceTcp: iceTcp.raw === 'on',
    maxSessions: int(maxSessions.name, maxSessions.raw, 1, 10_000),
    // Well below werift's DTLS retransmit window (about 33 s), so a stuck handshake is freed by us first.
    setupTimeoutMs: int(setup.name, setup.raw, 1000, 30_000),
  };
}
