/**
 * Who a request came from, for rate limits and the stored client hash, without keeping the address:
 * IPv4 addresses as they are, IPv6 by their /64 (one subscriber usually holds a whole /64, so limiting
 * single addresses would be no limit at all).
 */
import { createHash } from 'node:crypto';
import { parseIpv6 } from '../../redaction/ip.ts';

export function clientKey(remoteAddress: string | undefined): string {
  const address = (remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const groups = parseIpv6(address);
  if (!groups) return address || 'unknown';
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** Salted SHA-256 of the client key, shortened: enough to group uploads, useless to recover an address. */
export function hashClient(salt: string, key: string): string {
  return createHash('sha256').update(salt).update('\0').update(key).digest('hex').slice(0, 32);
}
