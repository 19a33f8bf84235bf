/**
 * Which IP version an address is: the relay reports the address it saw the user's connection come from,
 * and the browser the address of the relay's media candidate, so the report can say whether the relay was
 * reached over IPv6 or IPv4. An IPv4-mapped IPv6 address (::ffff:203.0.113.7, how a relay listening on
 * "::" writes an IPv4 client) is IPv4: that connection crossed the network as IPv4.
 */

export type AddressFamily = 'IPv4' | 'IPv6';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const MAPPED_IPV4 = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i;
/** Hex groups and colons, at most one "::", an optional IPv4 tail and zone; checked loosely, by shape. */
const IPV6_SHAPE = /^[0-9a-f:]{2,39}(?:\d+\.\d+\.\d+\.\d+)?(?:%[\w.-]{1,32})?$/i;

/** 'IPv4', 'IPv6', or null for anything that is not an address (a name, an mDNS ".local" name, ""). */
export function addressFamily(address: string | null | undefined): AddressFamily | null {
  if (typeof address !== 'string') return null;
  const a = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = MAPPED_IPV4.exec(a);
  if (mapped) return IPV4.test(mapped[1] as string) ? 'IPv4' : null;
  if (IPV4.test(a)) return 'IPv4';
  if (a.includes(':') && IPV6_SHAPE.test(a) && (a.match(/::/g)?.length ?? 0) <= 1) return 'IPv6';
  return null;
}
