/**
 * Ports that browsers refuse to connect to, whatever the firewall says. Source: Chromium
 * net/base/port_util.cc kRestrictedPorts (Firefox's list in netwerk/base/nsIOService.cpp is a superset for
 * these). SIP's 5060/5061 are on it, which is why the product never reports them as firewall-blocked.
 */
export const BROWSER_RESTRICTED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** The effective port of an http(s)/ws(s) URL. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'http:' || url.protocol === 'ws:' ? 80 : 443;
}

export function isBrowserRestrictedPort(url: URL): boolean {
  return BROWSER_RESTRICTED_PORTS.has(portOf(url));
}
