/**
 * Relay configuration from flags, environment variables and an optional JSON config file (flags win, then
 * the environment, then the file), validated at start against the table in keys.ts. A bad value is one line
 * naming where it came from and the problem, and the process exits non-zero.
 */
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { stratifiedSample } from '../../profiles/sample-ports.ts';
import { MAX_PROBE_PORTS, PROBE_PORTS_PER_RANGE, type ProbePort } from '../../protocol/relay-messages.ts';
import { CONFIG_KEYS, type ConfigKey, type ConfigValues, type KeySpec } from './keys.ts';
import type { ProbePortSpec } from './values.ts';

export type RelayConfig = Omit<
  ConfigValues,
  'mediaAddress' | 'mediaPortsApps' | 'probeAddress' | 'probeTcp' | 'probeUdp'
> & {
  /** The apps' media range: --media-ports-apps, else the desk phones' (one pool for both). */
  mediaPortsApps: { first: number; last: number };
  /** IPv4 address the media sockets bind to and advertise as their host candidate. */
  mediaAddress: string;
  /** Provider TCP ports probed with TLS, each with the relay port that listens for it. */
  probeTcp: ProbePort[];
  /** Provider UDP ports probed with ICE/STUN: the single ones and the sample of each range. */
  probeUdp: ProbePort[];
  /** IPv4 address the probe listeners bind to; probe-session tells it to the extension. */
  probeAddress: string;
};

export class ConfigError extends Error {}

/** A config file is a handful of settings; anything larger is a wrong file. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

interface Given {
  name: string;
  raw: string;
}

const specs = Object.entries(CONFIG_KEYS) as Array<[ConfigKey, KeySpec<unknown>]>;

function parseFlags(argv: string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(specs.map(([, k]) => [k.flag, { type: 'string' as const }]));
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (err) {
    // node:util's message goes on about positionals; its first sentence is the useful part.
    const first = (err as Error).message.split(/\.\s|\n/)[0] ?? 'bad arguments';
    throw new ConfigError(`${first} (npm run relay -- --help lists the settings)`);
  }
}

/** A file value as the text a flag would carry: lists may be JSON arrays, on/off may be booleans. */
function fileValue(where: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value) && value.every((x) => typeof x === 'string' || typeof x === 'number')) {
    return value.join(',');
  }
  throw new ConfigError(`${where}: must be a string, a number, true/false or a list of them`);
}

/** The file's settings by flag name; keys starting with "//" are comments. */
function readConfigFile(path: string, readText: (path: string) => string): Map<string, string> {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    throw new ConfigError(
      `${path}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (text.length > MAX_CONFIG_FILE_BYTES) {
    throw new ConfigError(`${path}: a config file is at most ${MAX_CONFIG_FILE_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(`${path}: must be a JSON object of settings, e.g. {"port": 443}`);
  }
  const fileKeys = new Set(specs.filter(([, k]) => !k.notInFile).map(([, k]) => k.flag));
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(json)) {
    if (name.startsWith('//')) continue;
    if (!fileKeys.has(name)) {
      throw new ConfigError(
        `${path}: unknown setting "${name}" (the keys are the flag names, e.g. "media-ports")`,
      );
    }
    out.set(name, fileValue(`${path}: ${name}`, value));
  }
  return out;
}

type Span = { first: number; last: number };
const inside = (port: number, span: Span) => port >= span.first && port <= span.last;

/**
 * A TCP probe port must not be a media port while ICE-TCP listens on the media ports, or one listener would
 * fail. (A UDP probe port may: media leaves the probe ports out, see MediaPorts. A TCP probe on the HTTPS
 * port is fine too: the HTTPS listener answers it, the provider's 443 being the relay's own 443.)
 */
function checkProbeCollisions(
  given: Given,
  ports: ProbePort[],
  media: Array<{ flag: string; span: Span }>,
): void {
  for (const { relayPort } of ports) {
    const hit = media.find((m) => inside(relayPort, m.span));
    if (hit) {
      throw new ConfigError(
        `${given.name}: relay port ${relayPort} is inside --${hit.flag} ${hit.span.first}-${hit.span.last} while --ice-tcp is on; map it to another port (got "${given.raw}")`,
      );
    }
  }
}

/** Hosts that mean "every interface" or "this machine": media then defaults to loopback. */
const LOOPBACK_DEFAULT_HOSTS = ['0.0.0.0', '::', 'localhost', '::1'];

/**
 * Media needs one concrete IPv4 address: werift advertises the address it binds to, and its own interface
 * scan skips loopback, so "all interfaces" cannot be passed through.
 */
function resolveMediaAddress(given: Given, value: string | null, host: string): string {
  if (value) return value;
  if (isIPv4(host) && host !== '0.0.0.0') return host;
  if (LOOPBACK_DEFAULT_HOSTS.includes(host)) return '127.0.0.1';
  throw new ConfigError(`${given.name}: required when --host is not an IPv4 address (got host "${host}")`);
}

/**
 * Parses argv, env and the config file they name into a validated config; throws ConfigError with a
 * one-line message. readText reads the config file (injected so tests need no files).
 */
export function loadConfig(
  argv: string[],
  env: Record<string, string | undefined>,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): RelayConfig {
  const flags = parseFlags(argv);
  const fromFlagOrEnv = (spec: KeySpec<unknown>): Given | null => {
    if (flags[spec.flag] !== undefined) return { name: `--${spec.flag}`, raw: flags[spec.flag] as string };
    if (env[spec.env] !== undefined) return { name: spec.env, raw: env[spec.env] as string };
    return null;
  };
  const filePath = fromFlagOrEnv(CONFIG_KEYS.configFile)?.raw || null;
  const file = filePath ? readConfigFile(filePath, readText) : new Map<string, string>();
  const given = {} as Record<ConfigKey, Given>;
  const values = {} as Record<ConfigKey, unknown>;
  for (const [name, spec] of specs) {
    const fromFile = file.get(spec.flag);
    const g = fromFlagOrEnv(spec) ??
      (fromFile !== undefined ? { name: `${filePath}: ${spec.flag}`, raw: fromFile } : null) ?? {
        name: `--${spec.flag}`,
        raw: spec.default,
      };
    const result = v.safeParse(spec.kind.schema, g.raw);
    if (!result.success) throw new ConfigError(`${g.name}: ${result.issues[0].message}`);
    given[name] = g;
    values[name] = result.output;
  }
  return crossChecked(values as ConfigValues, given);
}

/**
 * The ports the relay listens on: the single ones, and PROBE_PORTS_PER_RANGE of each range, both ends and
 * one drawn at random from each equal stretch (drawn anew at every start), leaving out relay ports inside
 * `media.avoid` (the media ports, for TCP with ICE-TCP on) and ports listed on their own, and keeping off
 * `media.keepOff` (the UDP media ports) in every stretch that has other ports: a firewall rule on a small
 * media range alone then reads as media, not as the provider's row, while media over a whole range still
 * leaves the sample its full size (media leaves the probe ports out). A run of the extension probes a sample of these
 * (src/profiles/sample-ports.ts).
 */
function sampledProbePorts(
  given: Given,
  spec: ProbePortSpec,
  media: { avoid: readonly Span[]; keepOff: readonly Span[] },
  random: () => number = Math.random,
): ProbePort[] {
  const ports = [...spec.ports];
  const inMedia = (spans: readonly Span[], relayPort: number) => spans.some((s) => inside(relayPort, s));
  for (const { from, to, relayFrom } of spec.ranges) {
    const relayOf = (p: number) => p - from + relayFrom;
    const free = (p: number) =>
      !inMedia(media.avoid, relayOf(p)) &&
      !ports.some((q) => q.providerPort === p || q.relayPort === relayOf(p));
    const prefer = (p: number) => !inMedia(media.keepOff, relayOf(p));
    for (const p of stratifiedSample({ from, to }, PROBE_PORTS_PER_RANGE, random, { accept: free, prefer })) {
      ports.push({ providerPort: p, relayPort: relayOf(p) });
    }
  }
  if (ports.length > MAX_PROBE_PORTS) {
    throw new ConfigError(
      `${given.name}: at most ${MAX_PROBE_PORTS} ports with the ranges' samples (got ${ports.length})`,
    );
  }
  return ports;
}

/** The rules that span several settings. */
function crossChecked(c: ConfigValues, given: Record<ConfigKey, Given>): RelayConfig {
  if (Boolean(c.certFile) !== Boolean(c.keyFile)) {
    throw new ConfigError(
      `${c.certFile ? given.keyFile.name : given.certFile.name}: give both --cert and --key, or neither`,
    );
  }
  const apps = c.mediaPortsApps ?? c.mediaPorts;
  const sameRange = apps.first === c.mediaPorts.first && apps.last === c.mediaPorts.last;
  // The passive ICE-TCP listener would collide with the HTTPS listener on the same port.
  for (const [k, span] of [
    ['mediaPorts', c.mediaPorts],
    ['mediaPortsApps', apps],
  ] as const) {
    if (inside(c.port, span)) {
      throw new ConfigError(
        `${given[k].name}: must not include the HTTPS port ${c.port} (got "${given[k].raw}")`,
      );
    }
  }
  // One port is one session's: two ranges that share some ports would hand one out twice (the same range
  // twice is one pool).
  if (!sameRange && apps.first <= c.mediaPorts.last && c.mediaPorts.first <= apps.last) {
    throw new ConfigError(
      `${given.mediaPortsApps.name}: must not overlap --media-ports ${c.mediaPorts.first}-${c.mediaPorts.last} (got "${given.mediaPortsApps.raw}")`,
    );
  }
  // Node refuses a request timeout shorter than the headers timeout.
  if (c.requestTimeoutMs < c.headersTimeoutMs) {
    throw new ConfigError(
      `${given.requestTimeoutMs.name}: must not be shorter than the headers timeout (${c.headersTimeoutMs})`,
    );
  }
  const mediaAddress = resolveMediaAddress(given.mediaAddress, c.mediaAddress, c.host);
  // ICE-TCP listens on the media ports only when it is on.
  const tcpMedia = c.iceTcp
    ? [
        { flag: CONFIG_KEYS.mediaPorts.flag, span: c.mediaPorts },
        { flag: CONFIG_KEYS.mediaPortsApps.flag, span: apps },
      ]
    : [];
  checkProbeCollisions(given.probeTcp, c.probeTcp.ports, tcpMedia);
  return {
    ...c,
    mediaPortsApps: apps,
    probeTcp: sampledProbePorts(given.probeTcp, c.probeTcp, {
      avoid: tcpMedia.map((m) => m.span),
      keepOff: [],
    }),
    // Drawn from the whole range, media ranges included: media leaves these ports out (wss.ts, MediaPorts).
    probeUdp: sampledProbePorts(given.probeUdp, c.probeUdp, { avoid: [], keepOff: [c.mediaPorts, apps] }),
    mediaAddress,
    // One concrete address, like media: a STUN answer must leave from the address the request reached,
    // and the extension puts this address in its ICE candidates.
    probeAddress: c.probeAddress ?? mediaAddress,
  };
}
