/**
 * IP address redaction for reports that leave this computer. Reports kept here hold full addresses (they are
 * the user's own evidence); a shared report, by default, names no host of the user's network:
 * - private, loopback, link-local and shared (carrier NAT) addresses become their kind ("private-address"),
 *   since even their network part says something about the inside of the network;
 * - public addresses keep their network part only: the last IPv4 octet, or all but the first three IPv6
 *   groups, become "x" (203.0.113.x, 2001:db8:85a3:x), enough for support to tell the provider apart;
 * - what names no host stays: unspecified (0.0.0.0, ::), multicast and reserved addresses, and network
 *   numbers such as 156.0.0.0 (which is also how Chrome's reduced user agent spells its version).
 * The relay re-checks uploads with the same idea (src/relay/share/address-scan.ts), so what this leaves
 * passes there. Pure; no Node or browser API, so pages, the command line and tests share it.
 */

export type AddressKind =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'network';

/** Kinds whose very network part is private: replaced by a word, not truncated. */
const KIND_WORD: Partial<Record<AddressKind, string>> = {
  private: 'private-address',
  loopback: 'loopback-address',
  'link-local': 'link-local-address',
  shared: 'shared-address',
};

/** Kinds that identify no host and are left as they are. */
const KEPT_KINDS: ReadonlySet<AddressKind> = new Set(['unspecified', 'multicast', 'reserved', 'network']);

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Four octets of a dotted IPv4 address, or null ("01.2.3.4" with a leading zero is not one). */
export function parseIpv4(text: string): [number, number, number, number] | null {
  const m = V4.exec(text);
  if (!m) return null;
  const octets = m.slice(1, 5);
  if (octets.some((o) => o.length > 1 && o.startsWith('0'))) return null;
  const n = octets.map(Number);
  return n.every((o) => o <= 255) ? (n as [number, number, number, number]) : null;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail becomes the last two), or null. */
export function parseIpv6(text: string): number[] | null {
  let t = text.toLowerCase();
  let tail: number[] = [];
  const lastColon = t.lastIndexOf(':');
  if (lastColon >= 0 && t.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(t.slice(lastColon + 1));
    if (!v4) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    // "::1.2.3.4" keeps its "::"; "a:b::1.2.3.4" too; "a:b:c:d:e:f:1.2.3.4" drops the separator.
    t = t.slice(0, lastColon + 1);
    t = t.endsWith('::') ? t : t.slice(0, -1);
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (given > 7) return null;
    return [...head, ...Array<number>(8 - given).fill(0), ...rest, ...tail];
  }
  return given === 8 ? [...head, ...tail] : null;
}

function ipv4Kind([a, b, c, d]: readonly number[]): AddressKind {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && (b ?? 0) >= 16 && (b ?? 0) <= 31) || (a === 192 && b === 168))
    return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && (b ?? 0) >= 64 && (b ?? 0) <= 127) return 'shared';
  if ((a ?? 0) >= 224 && (a ?? 0) <= 239) return 'multicast';
  if ((a ?? 0) >= 240) return 'reserved';
  if (b === 0 && c === 0 && d === 0) return 'network';
  return 'public';
}

const isMapped = (g: readonly number[]) => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
const mappedV4 = (g: readonly number[]) => {
  const [g6 = 0, g7 = 0] = g.slice(6);
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
};

function ipv6Kind(g: readonly number[]): AddressKind {
  if (isMapped(g)) return ipv4Kind(mappedV4(g));
  const first = g[0] ?? 0;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if (g.slice(4).every((x) => x === 0)) return 'network'; // a prefix, no interface identifier
  return 'public';
}

/** What kind of address `text` is, or null when it is not one. */
export function addressKind(text: string): AddressKind | null {
  const v4 = parseIpv4(text);
  if (v4) return ipv4Kind(v4);
  const v6 = parseIpv6(text);
  return v6 ? ipv6Kind(v6) : null;
}

/** One spelling per address, so "2001:DB8::1" and "2001:db8:0:0:0:0:0:1" compare equal. */
export function canonicalIp(text: string): string | null {
  const v4 = parseIpv4(text);
  if (v4) return v4.join('.');
  const v6 = parseIpv6(text);
  if (!v6) return null;
  return isMapped(v6) ? mappedV4(v6).join('.') : v6.map((x) => x.toString(16)).join(':');
}

/**
 * One address, redacted: "203.0.113.57" → "203.0.113.x", "10.1.2.3" → "private-address",
 * "::ffff:198.51.100.7" → "198.51.100.x", "2001:db8:85a3::8a2e:370:7334" → "2001:db8:85a3:x";
 * addresses that name no host are returned unchanged, and anything that is not an address becomes "x".
 */
export function redactIp(address: string): string {
  const v4 = parseIpv4(address);
  const v6 = v4 ? null : parseIpv6(address);
  const octets = v4 ?? (v6 && isMapped(v6) ? mappedV4(v6) : null);
  if (octets) {
    const kind = ipv4Kind(octets);
    if (KEPT_KINDS.has(kind)) return address;
    return KIND_WORD[kind] ?? `${octets.slice(0, 3).join('.')}.x`;
  }
  if (!v6) return 'x';
  const kind = ipv6Kind(v6);
  if (KEPT_KINDS.has(kind)) return address;
  return (
    KIND_WORD[kind] ??
    `${v6
      .slice(0, 3)
      .map((x) => x.toString(16))
      .join(':')}:x`
  );
}

const IPV4_IN_TEXT = /(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d|\.\d)/g;
/**
 * Runs of hex digits, colons and dots with at least two colons: the IPv6 candidates (the relay scans the
 * same runs), with an optional zone ("%eth0"), which names an interface of this machine.
 */
const IPV6_IN_TEXT = /([0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*)(%[0-9A-Za-z_.-]+)?/g;

/** True when the text before `at` makes the address a URL's host ("https://203.0.113.5", "wss://[…"). */
const inUrlHost = (text: string, at: number) => /:\/\/\[?$/.test(text.slice(Math.max(0, at - 4), at));

/**
 * The address inside an IPv6 candidate run: the run itself, or the run without what punctuation may have
 * glued to it (a sentence's full stop, a colon before a port or after a label: "address:2001:db8::1").
 */
function addressInRun(run: string): { address: string; offset: number } | null {
  const lead = /^:(?!:)/.test(run) ? 1 : 0;
  const trimmedEnd = run.replace(/\.+$/, '');
  const shapes = [
    [0, run],
    [0, trimmedEnd],
    [lead, trimmedEnd.slice(lead)],
    [lead, trimmedEnd.slice(lead).replace(/(?<!:):$/, '')],
  ] as const;
  for (const [offset, address] of shapes) if (parseIpv6(address)) return { address, offset };
  return null;
}

/**
 * Every address in a string, redacted with redactIp. Addresses in `keepInUrls` (canonical, see canonicalIp)
 * stay where they are a URL's host: the relay's own address in its URLs names the server, not the user.
 */
export function redactAddressesIn(text: string, keepInUrls: ReadonlySet<string> = new Set()): string {
  const keep = (address: string, at: number, whole: string) => {
    const canonical = canonicalIp(address);
    return canonical !== null && keepInUrls.has(canonical) && inUrlHost(whole, at);
  };
  const v6Done = text.replace(
    IPV6_IN_TEXT,
    (match: string, run: string, zone: string | undefined, at: number, whole: string) => {
      const found = addressInRun(run);
      if (!found) return match;
      const { address, offset } = found;
      const start = at + offset;
      const redacted = redactIp(address);
      if (redacted === address || keep(address, start, whole)) return match;
      const after = run.slice(offset + address.length);
      // A zone right after the address ("fe80::1%eth0") names an interface here: dropped with the address.
      return `${run.slice(0, offset)}${redacted}${after}${after === '' ? '' : (zone ?? '')}`;
    },
  );
  return v6Done.replace(IPV4_IN_TEXT, (address: string, at: number, whole: string) =>
    parseIpv4(address) === null || keep(address, at, whole) ? address : redactIp(address),
  );
}
