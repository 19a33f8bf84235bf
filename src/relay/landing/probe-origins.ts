/**
 * Where the relay's web check may connect besides its own origin: the TCP probe ports, on the host the
 * browser reached the page by, when that host is one of the relay's own names (its certificate's, the
 * `--public-url` host, the address it listens on). The Host header is the client's to choose, so a name the
 * relay does not own opens nothing: the page's CSP then lists no probe port and the web check says it could
 * not measure them. Pure.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/** The host of a Host header, lower case and without brackets or port; null for anything malformed. */
export function hostOfHeader(header: string | undefined): string | null {
  if (header === undefined || header.length > 300) return null;
  const m = /^(?:\[([0-9A-Fa-f:.]{2,45})\]|([A-Za-z0-9.-]{1,253}))(?::\d{1,5})?$/.exec(header);
  const host = (m?.[1] ?? m?.[2])?.toLowerCase() ?? null;
  if (m?.[1] !== undefined && isIP(m[1]) !== 6) return null;
  return host;
}

/** The DNS names and addresses a certificate is for (subjectAltName), lower case. */
export function certificateNames(certPem: string): string[] {
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  return san
    .split(', ')
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1]?.toLowerCase())
    .filter((n): n is string => n !== undefined);
}

function sameAddress(a: string, b: string): boolean {
  if (isIP(a) === 6 && isIP(b) === 6) {
    // Node writes a certificate's IPv6 address in full (0:0:0:0:0:0:0:1): compare the parsed addresses.
    return new URL(`http://[${a}]`).hostname === new URL(`http://[${b}]`).hostname;
  }
  return a === b;
}

/** Whether `host` is one of `names`; "*.example.com" covers one label below example.com. */
export function isOwnName(host: string, names: readonly string[]): boolean {
  return names.some((n) => {
    if (n.startsWith('*.')) {
      const rest = n.slice(1);
      return host.endsWith(rest) && !host.slice(0, -rest.length).includes('.') && host.length > rest.length;
    }
    return sameAddress(host, n);
  });
}

/** `https://host:port` for each TCP probe port, when the page's host is the relay's own; else none. */
export function probeOrigins(
  hostHeader: string | undefined,
  names: readonly string[],
  ports: readonly number[],
): string[] {
  const host = hostOfHeader(hostHeader);
  if (host === null || !isOwnName(host, names)) return [];
  // As a browser writes the page's origin (an IPv6 address compressed), so the CSP matches it.
  const shown = isIP(host) === 6 ? new URL(`http://[${host}]`).hostname : host;
  return ports.map((p) => `https://${shown}:${p}`);
}
