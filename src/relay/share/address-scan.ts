/**
 * The relay's second look at a report the extension says it redacted: does any string (or key) still hold
 * a full IP address that identifies a host of the user's network? The extension keeps only the network part
 * ("203.0.113.x", "2001:db8:1:x"), so a full address means its redaction missed something. Pure functions.
 *
 * Not counted as identifying: loopback, unspecified, multicast, reserved and broadcast addresses, IPv4
 * network numbers "a.0.0.0" (which is also how Chrome's reduced user agent spells its version,
 * "Chrome/140.0.0.0"), IPv6 prefixes without an interface identifier ("2001:db8:1:2::"), and the relay's
 * own addresses (servers, not the user's network). Private, link-local, shared (CGNAT) and documentation
 * addresses do count: the documentation ranges stand in for real addresses in tests and examples.
 */
import { isIPv6 } from 'node:net';

export interface AddressFinding {
  /** Where: "report.checks.1.data.clientAddress" (a key is reported by its own path). */
  path: string;
  address: string;
}

const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)/g;
/** Runs of hex digits, colons and dots with a colon in them: the candidates isIPv6 then decides on. */
const IPV6_CANDIDATE = /[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*/g;

function ipv4Identifies(octets: number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  if (octets.some((o) => o > 255)) return false;
  if (a === 0 || a === 127 || a >= 224) return false;
  if (b === 0 && c === 0 && d === 0) return false;
  return true;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail becomes the last two). */
export function ipv6Groups(address: string): number[] | null {
  if (!isIPv6(address)) return null;
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<number>(zeros).fill(0), ...t];
  return groups.length === 8 ? groups : null;
}

function ipv6Identifies(groups: number[]): boolean {
  const [first = 0] = groups;
  if ((first & 0xff00) === 0xff00) return false; // multicast
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 rules decide, on the dotted form the IPv4 scan also sees.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [g6 = 0, g7 = 0] = groups.slice(6);
    return ipv4Identifies([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  }
  // No interface identifier: "::", "::1" has one but is loopback; a prefix like 2001:db8:1:2:: is a network.
  const iid = groups.slice(4);
  if (iid.every((g) => g === 0)) return false;
  if (groups.slice(0, 7).every((g) => g === 0)) return false; // ::1 and ::n
  return true;
}

/** A canonical spelling, so "2001:DB8::1" and "2001:db8:0:0:0:0:0:1" match one allowed entry. */
export function canonicalAddress(address: string): string {
  const groups = ipv6Groups(address);
  return groups ? groups.map((g) => g.toString(16)).join(':') : address;
}

/** The full, host-identifying addresses in one string, in order. */
export function fullAddressesIn(text: string, allowed: ReadonlySet<string> = new Set()): string[] {
  const found: Array<{ at: number; address: string }> = [];
  for (const m of text.matchAll(IPV4)) {
    const octets = m.slice(1, 5).map(Number);
    if (ipv4Identifies(octets) && !allowed.has(m[0])) found.push({ at: m.index, address: m[0] });
  }
  for (const m of text.matchAll(IPV6_CANDIDATE)) {
    const candidate = m[0].replace(/\.+$/, '');
    if ((candidate.match(/:/g) ?? []).length < 2) continue;
    const groups = ipv6Groups(candidate);
    if (groups && ipv6Identifies(groups) && !allowed.has(canonicalAddress(candidate))) {
      // An IPv4-mapped address was already found by the IPv4 scan.
      if (!/\d+\.\d+\.\d+\.\d+$/.test(candidate)) found.push({ at: m.index, address: candidate });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.address);
}

/** The set fullAddressesIn takes: the relay's own addresses, canonical. */
export function allowedAddressSet(addresses: Iterable<string>): Set<string> {
  return new Set([...addresses].map(canonicalAddress));
}

/**
 * The first full address in any string value or object key of `value`, depth first in document order.
 * Iterative, so a deeply nested upload cannot exhaust the stack (the caller limits depth anyway).
 */
export function findFullAddress(
  value: unknown,
  allowed: ReadonlySet<string> = new Set(),
  rootPath = '',
): AddressFinding | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: rootPath }];
  const join = (path: string, key: string | number) => (path === '' ? `${key}` : `${path}.${key}`);
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as { value: unknown; path: string };
    if (typeof v === 'string') {
      const [address] = fullAddressesIn(v, allowed);
      if (address !== undefined) return { path, address };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: join(path, i) });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        stack.push({ value: child, path: join(path, key) });
        // The key is checked before its value: pushed last, popped first.
        stack.push({ value: key, path: join(path, key) });
      }
    }
  }
  return null;
}

/** The path of the first container nested deeper than `max`, or null. Iterative for the same reason. */
export function tooDeep(value: unknown, max: number, rootPath = ''): string | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return path;
    for (const [key, child] of Object.entries(v)) {
      stack.push({ value: child, path: path === '' ? key : `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}
