/**
 * Relay configuration from flags and environment variables (flags win), validated at start. A bad value is
 * one line naming the key and the problem, and the process exits non-zero.
 */
import { isIPv4 } from 'node:net';
import { parseArgs } from 'node:util';
import { MAX_PROBE_PORTS, type ProbePort } from '../protocol/relay-messages.ts';
import { parseSupportTokens, type SupportToken } from './console/support-tokens.ts';

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
  /** Most media sessions one client address (IPv6: one /64) holds at once. */
  maxSessionsPerAddress: number;
  /** Most media sessions one client address starts in a minute. */
  sessionStartsPerMinute: number;
  /** A media session receiving more than this (kbit/s over 2 s) is ended as rate-limited. */
  maxSessionKbps: number;
  /** WebSocket ping interval; a connection that has not answered the previous ping is terminated. */
  wsHeartbeatMs: number;
  /** A WebSocket that sends neither an offer nor a probe-start within this is closed. */
  wsIdleTimeoutMs: number;
  /** Provider TCP ports probed with TLS, each with the relay port that listens for it. */
  probeTcp: ProbePort[];
  /** Provider UDP ports probed with ICE/STUN, each with the relay port that answers for it. */
  probeUdp: ProbePort[];
  /** IPv4 address the probe listeners bind to; probe-session tells it to the extension. */
  probeAddress: string;
  /** PostgreSQL URL for shared reports; null: SQLite in the data folder. */
  dbUrl: string | null;
  /** Shared reports are deleted this many days after upload. */
  retentionDays: number;
  /** Who may sign in to the support console; none: the console is off. */
  supportTokens: SupportToken[];
  /** The URL support opens (links in upload answers); null: the relay's own https URL. */
  publicUrl: string | null;
  /** Store page of the Chrome extension, linked from the landing page; null: no link. */
  extensionUrlChrome: string | null;
  /** Store page of the Firefox add-on, linked from the landing page; null: no link. */
  extensionUrlFirefox: string | null;
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
  maxSessionsPerAddress: {
    flag: 'max-sessions-per-address',
    env: 'SVC_RELAY_MAX_SESSIONS_PER_ADDRESS',
    help: 'most media sessions one client address (IPv6: /64) holds at once',
    default: '4',
  },
  sessionStartsPerMinute: {
    flag: 'session-starts-per-minute',
    env: 'SVC_RELAY_SESSION_STARTS_PER_MINUTE',
    help: 'most media sessions one client address starts in a minute',
    default: '20',
  },
  maxSessionKbps: {
    flag: 'max-session-kbps',
    env: 'SVC_RELAY_MAX_SESSION_KBPS',
    help: 'inbound bitrate cap of one media session, kbit/s averaged over 2 s',
    default: '256',
  },
  wsHeartbeatMs: {
    flag: 'ws-heartbeat-ms',
    env: 'SVC_RELAY_WS_HEARTBEAT_MS',
    help: 'WebSocket ping interval; no pong by the next one closes the connection',
    default: '15000',
  },
  wsIdleTimeoutMs: {
    flag: 'ws-idle-timeout-ms',
    env: 'SVC_RELAY_WS_IDLE_TIMEOUT_MS',
    help: 'a WebSocket without an offer or probe-start by then is closed',
    default: '10000',
  },
  probeTcp: {
    flag: 'probe-tcp',
    env: 'SVC_RELAY_PROBE_TCP',
    help: 'TLS probe ports: comma list of provider[:relay], e.g. 5096:15096,443:15443',
    default: '',
  },
  probeUdp: {
    flag: 'probe-udp',
    env: 'SVC_RELAY_PROBE_UDP',
    help: 'STUN probe ports: comma list of provider[:relay], e.g. 40000:41000',
    default: '',
  },
  probeAddress: {
    flag: 'probe-address',
    env: 'SVC_RELAY_PROBE_ADDRESS',
    help: 'IPv4 address the probe ports bind to and advertise (default: the media address)',
    default: '',
  },
  dbUrl: {
    flag: 'db-url',
    env: 'SVC_RELAY_DB_URL',
    help: 'PostgreSQL URL for shared reports (default: SQLite in the data folder)',
    default: '',
  },
  retentionDays: {
    flag: 'retention-days',
    env: 'SVC_RELAY_RETENTION_DAYS',
    help: 'days a shared report is kept',
    default: '30',
  },
  supportTokens: {
    flag: 'support-tokens',
    env: 'SVC_RELAY_SUPPORT_TOKENS',
    help: 'support console sign-in: comma list of name:token (tokens of 16+ characters)',
    default: '',
  },
  publicUrl: {
    flag: 'public-url',
    env: 'SVC_RELAY_PUBLIC_URL',
    help: "the relay's URL in support links, e.g. https://relay.example.com (default: its own https URL)",
    default: '',
  },
  extensionUrlChrome: {
    flag: 'extension-url-chrome',
    env: 'SVC_RELAY_EXTENSION_URL_CHROME',
    help: "the extension's Chrome Web Store page, linked from the landing page",
    default: '',
  },
  extensionUrlFirefox: {
    flag: 'extension-url-firefox',
    env: 'SVC_RELAY_EXTENSION_URL_FIREFOX',
    help: "the add-on's Firefox Add-ons page, linked from the landing page",
    default: '',
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

const PROBE_ENTRY = /^(\d{1,5})(?::(\d{1,5}))?$/;

/**
 * A probe port map "provider[:relay],…": the relay port defaults to the provider's. A relay without
 * privileges maps low ports (443, 5096) to high ones; reports still speak of the provider's port.
 */
function probePorts(name: string, raw: string): ProbePort[] {
  if (raw.trim() === '') return [];
  const bad = () =>
    new ConfigError(
      `${name}: must be a comma list of provider[:relay] ports from 1 to 65535, e.g. 5096:15096 (got "${raw}")`,
    );
  const ports: ProbePort[] = [];
  for (const entry of raw.split(',')) {
    const m = PROBE_ENTRY.exec(entry.trim());
    if (!m) throw bad();
    const providerPort = Number(m[1]);
    const relayPort = m[2] === undefined ? providerPort : Number(m[2]);
    if (providerPort < 1 || providerPort > 65535 || relayPort < 1 || relayPort > 65535) throw bad();
    if (ports.some((p) => p.providerPort === providerPort)) {
      throw new ConfigError(`${name}: provider port ${providerPort} is listed twice (got "${raw}")`);
    }
    if (ports.some((p) => p.relayPort === relayPort)) {
      throw new ConfigError(`${name}: relay port ${relayPort} is listed twice (got "${raw}")`);
    }
    ports.push({ providerPort, relayPort });
  }
  if (ports.length > MAX_PROBE_PORTS) {
    throw new ConfigError(`${name}: at most ${MAX_PROBE_PORTS} ports (got ${ports.length})`);
  }
  return ports;
}

/** A relay port must not be one the relay already uses for HTTPS or media, or one listener would fail. */
function checkProbeCollisions(
  given: { name: string; raw: string },
  ports: ProbePort[],
  taken: { httpsPort: number | null; media: { first: number; last: number } | null },
): void {
  for (const { relayPort } of ports) {
    if (relayPort === taken.httpsPort) {
      throw new ConfigError(`${given.name}: relay port ${relayPort} is the HTTPS port (got "${given.raw}")`);
    }
    const media = taken.media;
    if (media && relayPort >= media.first && relayPort <= media.last) {
      throw new ConfigError(
        `${given.name}: relay port ${relayPort} is inside --media-ports ${media.first}-${media.last}; map it to another port (got "${given.raw}")`,
      );
    }
  }
}

/**
 * A PostgreSQL URL. The message never repeats the value: it may hold a password.
 */
function dbUrl(given: { name: string; raw: string }): string | null {
  if (given.raw === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(given.raw);
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new ConfigError(
      `${given.name}: must be a postgres:// or postgresql:// URL, e.g. postgresql://svc@db.example/svc (value not shown: it may hold a password)`,
    );
  }
  return given.raw;
}

function publicUrl(given: { name: string; raw: string }): string | null {
  if (given.raw === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(given.raw);
  } catch {
    // Reported below.
  }
  const bare = url?.protocol === 'https:' && !url.username && !url.password && !url.search && !url.hash;
  if (!url || !bare || url.pathname !== '/') {
    throw new ConfigError(
      `${given.name}: must be an https:// URL without a path, e.g. https://relay.example.com (got "${given.raw}")`,
    );
  }
  return url.origin;
}

/** A store page: any https:// URL without credentials (the landing page links to it as it is). */
function storeUrl(given: { name: string; raw: string }): string | null {
  if (given.raw === '') return null;
  const url = URL.canParse(given.raw) ? new URL(given.raw) : null;
  if (url?.protocol !== 'https:' || url.username || url.password) {
    throw new ConfigError(
      `${given.name}: must be an https:// URL, e.g. https://chromewebstore.google.com/detail/… (got "${given.raw}")`,
    );
  }
  return url.href;
}

function supportTokens(given: { name: string; raw: string }): SupportToken[] {
  try {
    return parseSupportTokens(given.raw);
  } catch (err) {
    // The parser's message names the entry but never a token.
    throw new ConfigError(`${given.name}: ${(err as Error).message}`);
  }
}

/** Per-address caps, the bitrate cap and the WebSocket timers. */
function sessionLimits(
  get: (k: keyof RelayConfig) => { name: string; raw: string },
): Pick<
  RelayConfig,
  'maxSessionsPerAddress' | 'sessionStartsPerMinute' | 'maxSessionKbps' | 'wsHeartbeatMs' | 'wsIdleTimeoutMs'
> {
  const value = (k: keyof RelayConfig, min: number, max: number) => {
    const given = get(k);
    return int(given.name, given.raw, min, max);
  };
  return {
    maxSessionsPerAddress: value('maxSessionsPerAddress', 1, 10_000),
    sessionStartsPerMinute: value('sessionStartsPerMinute', 1, 100_000),
    // Chromium's audio with the extension's data channel probes measured ~95 kbit/s with every header.
    maxSessionKbps: value('maxSessionKbps', 128, 1_000_000),
    wsHeartbeatMs: value('wsHeartbeatMs', 1000, 600_000),
    wsIdleTimeoutMs: value('wsIdleTimeoutMs', 1000, 600_000),
  };
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
  const media = mediaAddress(get('mediaAddress'), host.raw);
  const tcpGiven = get('probeTcp');
  const probeTcp = probePorts(tcpGiven.name, tcpGiven.raw);
  // Port 0 (pick a free one) cannot collide; ICE-TCP listens on the media ports only when it is on.
  checkProbeCollisions(tcpGiven, probeTcp, {
    httpsPort: httpsPort === 0 ? null : httpsPort,
    media: iceTcp.raw === 'on' ? mediaPorts : null,
  });
  const udpGiven = get('probeUdp');
  const probeUdp = probePorts(udpGiven.name, udpGiven.raw);
  checkProbeCollisions(udpGiven, probeUdp, { httpsPort: null, media: mediaPorts });
  const probeAddress = get('probeAddress');
  if (probeAddress.raw && (!isIPv4(probeAddress.raw) || probeAddress.raw === '0.0.0.0')) {
    throw new ConfigError(
      `${probeAddress.name}: must be one IPv4 address, not 0.0.0.0 (got "${probeAddress.raw}")`,
    );
  }
  const retention = get('retentionDays');
  return {
    host: host.raw,
    port: httpsPort,
    certFile: cert.raw || null,
    keyFile: key.raw || null,
    dataDir: dataDir.raw,
    logLevel: level.raw as RelayConfig['logLevel'],
    shutdownGraceMs: int(grace.name, grace.raw, 0, 600_000),
    mediaPorts,
    mediaAddress: media,
    iceTcp: iceTcp.raw === 'on',
    maxSessions: int(maxSessions.name, maxSessions.raw, 1, 10_000),
    // Well below werift's DTLS retransmit window (about 33 s), so a stuck handshake is freed by us first.
    setupTimeoutMs: int(setup.name, setup.raw, 1000, 30_000),
    ...sessionLimits(get),
    probeTcp,
    probeUdp,
    // One concrete address, like media: a STUN answer must leave from the address the request reached,
    // and the extension puts this address in its ICE candidates.
    probeAddress: probeAddress.raw || media,
    dbUrl: dbUrl(get('dbUrl')),
    retentionDays: int(retention.name, retention.raw, 1, 3650),
    supportTokens: supportTokens(get('supportTokens')),
    publicUrl: publicUrl(get('publicUrl')),
    extensionUrlChrome: storeUrl(get('extensionUrlChrome')),
    extensionUrlFirefox: storeUrl(get('extensionUrlFirefox')),
  };
}
