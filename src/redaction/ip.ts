/**
 * One IP address: parse, classify, redact. Shared by the extension (which redacts a report before it is
 * shared) and the relay (which re-checks an upload said to be redacted), so both sides agree on what an
 * address is and which ones identify a host. Pure; inputs are single candidate tokens the scanner
 * (./scan.ts) already bounded, so nothing here sees unbounded text.
 *
 * Kinds and what redaction does with them:
 * - private, loopback, link-local and shared (carrier NAT) addresses become their kind ("private-address"),
 *   since even their network part says something about the inside of the network;
 * - public addresses keep their network part only: the last IPv4 octet, or all but the first three IPv6
 *   groups, become "x" (203.0.113.x, 2001:db8:85a3:x), enough for support to tell the provider apart;
 * - 6to4 addresses (2002::/16) carry an IPv4 address in their second and third groups: they are that
 *   IPv4 address, redacted as one;
 * - what names no host stays: unspecified (0.0.0.0, ::), multicast and reserved addresses, and network
 *   numbers such as 156.0.0.0 (which is also how Chrome's reduced user agent spells its version).
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
export const KEPT_KINDS: ReadonlySet<AddressKind> = new Set([
  'unspecified',
  'multicast',
  'reserved',
  'network',
]);

type Octets = [number, number, number, number];

/** Four octets of a dotted-decimal IPv4 address, or null ("01.2.3.4" with a leading zero is not one). */
export function parseIpv4(text: string): Octets | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const p of parts) {
    if (p.length < 1 || p.length > 3 || (p.length > 1 && p.startsWith('0'))) return null;
    for (const ch of p) if (ch < '0' || ch > '9') return null;
    const n = Number(p);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets as Octets;
}

const isHexGroup = (g: string) => g.length >= 1 && g.length <= 4 && /^[0-9a-f]+$/.test(g);

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail becomes the last two), or null. */
export function parseIpv6(text: string): number[] | null {
  if (text.length > 45) return null;
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
      if (!isHexGroup(g)) return null;
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
const is6to4 = (g: readonly number[]) => g[0] === 0x2002;
const v4Of = (hi: number, lo: number): Octets => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
/** The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:a.b.c.d) or 6to4 (2002:aabb:ccdd::). */
function embeddedV4(g: readonly number[]): Octets | null {
  if (isMapped(g)) return v4Of(g[6] ?? 0, g[7] ?? 0);
  if (is6to4(g)) return v4Of(g[1] ?? 0, g[2] ?? 0);
  return null;
}

function ipv6Kind(g: readonly number[]): AddressKind {
  const v4 = embeddedV4(g);
  if (v4) return ipv4Kind(v4);
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
  return isMapped(v6) ? v4Of(v6[6] ?? 0, v6[7] ?? 0).join('.') : v6.map((x) => x.toString(16)).join(':');
}

/**
 * One address, redacted: "203.0.113.57" → "203.0.113.x", "10.1.2.3" → "private-address",
 * "::ffff:198.51.100.7" → "198.51.100.x", "2002:cb00:712d::" → "203.0.113.x",
 * "2001:db8:85a3::8a2e:370:7334" → "2001:db8:85a3:x"; addresses that name no host are returned unchanged,
 * and anything that is not an address becomes "x".
 */
export function redactIp(address: string): string {
  const v4 = parseIpv4(address);
  const v6 = v4 ? null : parseIpv6(address);
  const octets = v4 ?? (v6 ? embeddedV4(v6) : null);
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
