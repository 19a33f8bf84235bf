/**
 * The kinds of value a relay setting can hold. Each kind is a valibot schema from the raw text (a flag, an
 * environment variable or a config file entry) to the typed value, and the range an operator reads in
 * `--help` and the README: both come from the same numbers, so the documented range is the enforced one.
 * Messages say what is expected and, except for secrets, what was given; the loader prefixes the key.
 */
import { isIPv4, isIPv6 } from 'node:net';
import * as v from 'valibot';
import {
  MAX_BINDING_GAP_S,
  MAX_BINDING_GAPS,
  MAX_PROBE_PORTS,
  PROBE_PORTS_PER_RANGE,
  type ProbePort,
} from '../../protocol/relay-messages.ts';
import { parseSupportTokens, type SupportToken } from '../console/support-tokens.ts';

export interface ValueKind<T> {
  schema: v.GenericSchema<string, T>;
  /** What values are accepted, for `--help` and the README ("1-10000", "on, off"). */
  range: string;
}

/** A parser step that reports its own message (one per problem) instead of valibot's. */
function parsed<T>(parse: (raw: string) => T | { problem: string }): v.GenericSchema<string, T> {
  return v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const out = parse(dataset.value);
      if (out !== null && typeof out === 'object' && 'problem' in out) {
        addIssue({ message: out.problem });
        return NEVER;
      }
      return out as T;
    }),
  );
}

const problem = (text: string) => ({ problem: text });

export function integer(min: number, max: number): ValueKind<number> {
  return {
    schema: parsed((raw) =>
      /^\d{1,10}$/.test(raw) && Number(raw) >= min && Number(raw) <= max
        ? Number(raw)
        : problem(`must be an integer from ${min} to ${max} (got "${raw}")`),
    ),
    range: `${min}-${max}`,
  };
}

export function oneOf<const T extends string>(values: readonly T[]): ValueKind<T> {
  return {
    schema: parsed((raw) =>
      (values as readonly string[]).includes(raw)
        ? (raw as T)
        : problem(`must be one of ${values.join(', ')} (got "${raw}")`),
    ),
    range: values.join(', '),
  };
}

/** Idle gaps in seconds, a comma list growing from the first, e.g. `15,30,60,120`. */
export const bindingGaps: ValueKind<number[]> = {
  schema: parsed((raw) => {
    const parts = raw.split(',').map((p) => p.trim());
    const gaps = parts.map(Number);
    const ok =
      parts.length >= 1 &&
      parts.length <= MAX_BINDING_GAPS &&
      parts.every((p) => /^\d{1,3}$/.test(p)) &&
      gaps.every((g, i) => g >= 1 && g <= MAX_BINDING_GAP_S && (i === 0 || g > (gaps[i - 1] as number)));
    return ok
      ? gaps
      : problem(
          `must be 1 to ${MAX_BINDING_GAPS} growing whole seconds from 1 to ${MAX_BINDING_GAP_S}, comma-separated (got "${raw}")`,
        );
  }),
  range: `1-${MAX_BINDING_GAPS} growing seconds, 1-${MAX_BINDING_GAP_S} each`,
};

export const onOff: ValueKind<boolean> = {
  schema: parsed((raw) =>
    raw === 'on' || raw === 'off' ? raw === 'on' : problem(`must be on or off (got "${raw}")`),
  ),
  range: 'on, off',
};

/** Any text; '' (the default) stands for "not set". */
export const optionalText: ValueKind<string | null> = {
  schema: parsed((raw) => raw || null),
  range: 'a file path',
};

/** Where /metrics is served: the HTTPS port (null), nowhere ('off'), or its own plain-HTTP address. */
export type MetricsListen = null | 'off' | { host: string; port: number };

export const metricsListen: ValueKind<MetricsListen> = {
  schema: parsed((raw): MetricsListen | { problem: string } => {
    if (raw === '') return null;
    if (raw === 'off') return 'off';
    const m = /^(\[[0-9A-Fa-f:.]+\]|[\w.-]{1,253}):(\d{1,5})$/.exec(raw);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) {
      return problem(`must be off or host:port, e.g. 127.0.0.1:9464 (got "${raw}")`);
    }
    return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
  }),
  range: 'off, or host:port',
};

export const nonEmpty: ValueKind<string> = {
  schema: parsed((raw) => raw || problem('must not be empty')),
  range: 'a folder path',
};

export const hostName: ValueKind<string> = {
  schema: parsed((raw) =>
    /^[\w.:-]{1,253}$/.test(raw) ? raw : problem(`not a host name or address (got "${raw}")`),
  ),
  range: 'an IP address or host name',
};

type Span = { first: number; last: number };

function parsePortRange(raw: string, min: number, max: number): Span | { problem: string } {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < min || last > max || first > last) {
    return problem(`must be a port range A-B within ${min}-${max} with A <= B (got "${raw}")`);
  }
  return { first, last };
}

export function portRange(min: number, max: number): ValueKind<Span> {
  return { schema: parsed((raw) => parsePortRange(raw, min, max)), range: `A-B within ${min}-${max}` };
}

/** A port range, or '' (the default) for "not set". */
export function optionalPortRange(min: number, max: number): ValueKind<Span | null> {
  return {
    schema: parsed((raw) => (raw === '' ? null : parsePortRange(raw, min, max))),
    range: `A-B within ${min}-${max}`,
  };
}

/** One concrete IPv4 address (media and probes advertise it as their ICE candidate); '' means "derive it". */
export const concreteIpv4: ValueKind<string | null> = {
  schema: parsed((raw) => {
    if (raw === '') return null;
    return isIPv4(raw) && raw !== '0.0.0.0'
      ? raw
      : problem(`must be one IPv4 address, not 0.0.0.0 (got "${raw}")`);
  }),
  range: 'one IPv4 address',
};

/** One concrete IPv6 address (the probe ports' second family), or '' for none. */
export const concreteIpv6: ValueKind<string | null> = {
  schema: parsed((raw) => {
    if (raw === '') return null;
    return isIPv6(raw) && raw !== '::' && !raw.includes('%') && !raw.toLowerCase().startsWith('::ffff:')
      ? raw.toLowerCase()
      : problem(`must be one IPv6 address, not :: (got "${raw}")`);
  }),
  range: 'one IPv6 address, or empty',
};

const PROBE_ENTRY = /^(\d{1,5})(?:-(\d{1,5}))?(?::(\d{1,5}))?$/;

/** A provider range A-B answered by relay ports from relayFrom on (relayFrom = A: the provider's own). */
export interface ProbeRange {
  from: number;
  to: number;
  relayFrom: number;
}

/** Probe ports as configured: single ports, and ranges the loader samples (load.ts, sampledProbePorts). */
export interface ProbePortSpec {
  ports: ProbePort[];
  ranges: ProbeRange[];
}

/**
 * A probe port map "provider[:relay],…": the relay port defaults to the provider's. A relay without
 * privileges maps low ports (443, 5096) to high ones; reports still speak of the provider's port. An entry
 * may be a provider range "A-B[:C]" (relay ports from C, default A), of which the relay listens on a sample.
 */
export const probePorts: ValueKind<ProbePortSpec> = {
  schema: parsed((raw) => {
    const spec: ProbePortSpec = { ports: [], ranges: [] };
    if (raw.trim() === '') return spec;
    const bad = problem(
      `must be a comma list of provider[:relay] ports or provider ranges A-B[:relay start], from 1 to 65535, e.g. 5096:15096,40000-49999 (got "${raw}")`,
    );
    const { ports } = spec;
    for (const entry of raw.split(',')) {
      const m = PROBE_ENTRY.exec(entry.trim());
      if (!m) return bad;
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      const relayFrom = m[3] === undefined ? from : Number(m[3]);
      if (from < 1 || to > 65535 || from > to || relayFrom < 1 || relayFrom + (to - from) > 65535) return bad;
      if (m[2] !== undefined) {
        spec.ranges.push({ from, to, relayFrom });
        continue;
      }
      if (ports.some((p) => p.providerPort === from)) {
        return problem(`provider port ${from} is listed twice (got "${raw}")`);
      }
      if (ports.some((p) => p.relayPort === relayFrom)) {
        return problem(`relay port ${relayFrom} is listed twice (got "${raw}")`);
      }
      ports.push({ providerPort: from, relayPort: relayFrom });
    }
    if (ports.length > MAX_PROBE_PORTS)
      return problem(`at most ${MAX_PROBE_PORTS} ports (got ${ports.length})`);
    return spec;
  }),
  range: `up to ${MAX_PROBE_PORTS} of provider[:relay], ports 1-65535, or provider ranges A-B[:relay start] (${PROBE_PORTS_PER_RANGE} ports of each)`,
};

function urlOf(raw: string): URL | null {
  return URL.canParse(raw) ? new URL(raw) : null;
}

/** A PostgreSQL URL. The message never repeats the value: it may hold a password. */
export const postgresUrl: ValueKind<string | null> = {
  schema: parsed((raw) => {
    if (raw === '') return null;
    const url = urlOf(raw);
    return url && (url.protocol === 'postgres:' || url.protocol === 'postgresql:')
      ? raw
      : problem(
          'must be a postgres:// or postgresql:// URL, e.g. postgresql://svc@db.example/svc (value not shown: it may hold a password)',
        );
  }),
  range: 'postgres:// or postgresql:// URL',
};

/** An https origin without a path, credentials, query or fragment. */
export const httpsOrigin: ValueKind<string | null> = {
  schema: parsed((raw) => {
    if (raw === '') return null;
    const url = urlOf(raw);
    const bare = url?.protocol === 'https:' && !url.username && !url.password && !url.search && !url.hash;
    return url && bare && url.pathname === '/'
      ? url.origin
      : problem(`must be an https:// URL without a path, e.g. https://relay.example.com (got "${raw}")`);
  }),
  range: 'https:// origin, no path',
};

/** A store page: any https:// URL without credentials (the landing page links to it as it is). */
export const httpsUrl: ValueKind<string | null> = {
  schema: parsed((raw) => {
    if (raw === '') return null;
    const url = urlOf(raw);
    return url?.protocol === 'https:' && !url.username && !url.password
      ? url.href
      : problem(`must be an https:// URL, e.g. https://chromewebstore.google.com/detail/… (got "${raw}")`);
  }),
  range: 'https:// URL',
};

export const supportTokens: ValueKind<SupportToken[]> = {
  schema: parsed((raw) => {
    try {
      return parseSupportTokens(raw);
    } catch (err) {
      // The parser's message names the entry but never a token.
      return problem((err as Error).message);
    }
  }),
  range: 'name:token,… (tokens of 16-256 characters)',
};
