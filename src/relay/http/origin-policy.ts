/**
 * Which browser origins may upload. The extension's pages have `chrome-extension://<id>` or
 * `moz-extension://<uuid>` origins (Firefox's UUID is random per install, so no single id can be listed);
 * the relay's own pages are allowed too. Other web origins are refused, so a web page cannot make its
 * visitors' browsers upload. No Origin at all is a non-browser client (the command line, curl), allowed
 * like any direct request; "null" (sandboxed or some Firefox extension contexts) is allowed for a plain
 * request but never given CORS access.
 */
export type OriginKind = 'none' | 'null' | 'extension' | 'self' | 'foreign';

const CHROME_EXTENSION = /^chrome-extension:\/\/[a-p]{32}$/;
const MOZ_EXTENSION = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function classifyOrigin(origin: string | undefined, selfOrigins: readonly string[]): OriginKind {
  if (origin === undefined || origin === '') return 'none';
  if (origin === 'null') return 'null';
  if (CHROME_EXTENSION.test(origin) || MOZ_EXTENSION.test(origin)) return 'extension';
  if (selfOrigins.includes(origin)) return 'self';
  return 'foreign';
}

/** The relay's own origins for a request: the public URL's, and the one the browser used (its Host). */
export function selfOrigins(publicUrl: string, hostHeader: string | undefined): string[] {
  const origins: string[] = [];
  try {
    origins.push(new URL(publicUrl).origin);
  } catch {
    // Not listening yet: no public URL to compare with.
  }
  if (hostHeader && /^[\w.:[\]-]+$/.test(hostHeader)) {
    try {
      origins.push(new URL(`https://${hostHeader}`).origin);
    } catch {
      // A malformed Host only loses the second spelling.
    }
  }
  return origins;
}
