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

import { canonicalIp } from '../../redaction/ip.ts';
import { firstIdentifyingAddress, identifyingAddressesIn } from '../../redaction/redact-text.ts';

export interface AddressFinding {
  /** Where: "report.checks.1.data.clientAddress" (a key is reported by its own path). */
  path: string;
  address: string;
}

/** The full, host-identifying addresses in one string, in order (the shared scanner, src/redaction). */
export const fullAddressesIn = identifyingAddressesIn;

/** The set fullAddressesIn takes: the relay's own addresses, canonical. */
export function allowedAddressSet(addresses: Iterable<string>): Set<string> {
  return new Set([...addresses].map((a) => canonicalIp(a) ?? a));
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
      const address = firstIdentifyingAddress(v, allowed);
      if (address !== null) return { path, address };
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
  // Only objects and arrays are visited (a leaf cannot be too deep), each with its parent for the path,
  // which is written out only for the one that is too deep: a long array of numbers costs little.
  type Visit = { value: object; depth: number; parent: Visit | null; key: string };
  const pathOf = (n: Visit): string => {
    const keys: string[] = [];
    for (let p: Visit | null = n; p?.parent; p = p.parent) keys.push(p.key);
    if (rootPath !== '') keys.push(rootPath);
    return keys.reverse().join('.');
  };
  if (value === null || typeof value !== 'object') return null;
  const stack: Visit[] = [{ value, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const node = stack.pop() as Visit;
    if (node.depth >= max) return pathOf(node);
    for (const key in node.value) {
      const child = (node.value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        stack.push({ value: child, depth: node.depth + 1, parent: node, key });
      }
    }
  }
  return null;
}
