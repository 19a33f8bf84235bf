/**
 * Relay configuration from flags and environment variables (flags win), validated at start. A bad value is
 * one line naming the key and the problem, and the process exits non-zero.
 */
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
};

function int(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

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
  return {
    host: host.raw,
    port: int(port.name, port.raw, 0, 65535),
    certFile: cert.raw || null,
    keyFile: key.raw || null,
    dataDir: dataDir.raw,
    logLevel: level.raw as RelayConfig['logLevel'],
    shutdownGraceMs: int(grace.name, grace.raw, 0, 600_000),
  };
}
