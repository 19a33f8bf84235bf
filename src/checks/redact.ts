/**
 * IP address redaction, on by default: private addresses are dropped to their kind, public ones keep their
 * network part only (the last IPv4 octet, or all but the first three IPv6 groups, become "x").
 */
export function redactIp(address: string): string {
  const ip = address.replace(/^::ffff:/i, '');
  const v4 = ip.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.x`;
  if (ip.includes(':')) {
    const groups = ip.split(':').filter((g) => g !== '');
    return `${groups.slice(0, 3).join(':')}:x`;
  }
  return 'x';
}
