/**
 * Host access for the relay and targets the user or the policy names. The manifest grants the build's default
 * relay; any other host is an optional permission (the manifest allows any HTTPS and WSS host) requested from a Save or
 * "Grant access" click. Without it the checks still run, but webRequest cannot see why a connection failed.
 */

/** What these helpers need of `api.permissions`; the polyfill's object satisfies it. */
export interface PermissionsApi {
  permissions: {
    contains(p: { origins: string[] }): Promise<boolean>;
    request(p: { origins: string[] }): Promise<boolean>;
    onAdded: PermissionEvent;
    onRemoved: PermissionEvent;
  };
}
interface PermissionEvent {
  addListener(cb: () => void): void;
  removeListener(cb: () => void): void;
}

/** The host of a URL as a match pattern writes it (IPv6 in brackets), e.g. relay.example.com. */
export function hostOf(url: string): string {
  const host = new URL(url).hostname;
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The match patterns that cover HTTPS and WSS to the URL's host, on any port. */
export function originsFor(url: string): string[] {
  const h = hostOf(url);
  return [`https://${h}/*`, `wss://${h}/*`];
}

/** The patterns for every distinct host among the URLs; URLs that do not parse are left out. */
export function originsForAll(urls: readonly string[]): string[] {
  const out = new Set<string>();
  for (const url of urls) {
    try {
      for (const o of originsFor(url)) out.add(o);
    } catch {
      // Not a URL: validation reports it; there is nothing to ask access for.
    }
  }
  return [...out];
}

export async function hasHostAccess(api: PermissionsApi, url: string): Promise<boolean> {
  try {
    return await api.permissions.contains({ origins: originsFor(url) });
  } catch {
    return false;
  }
}

/**
 * Asks for the origins. Not async on purpose: Firefox only honours the click's user gesture while the click
 * handler runs, so request() must be called before anything is awaited. Already-granted origins resolve true
 * without a prompt; a refusal, or an error, resolves false.
 */
export function requestHostAccess(api: PermissionsApi, origins: string[]): Promise<boolean> {
  if (origins.length === 0) return Promise.resolve(true);
  try {
    return api.permissions.request({ origins }).catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** Calls back when host access is granted or revoked (e.g. on chrome://extensions); returns an unsubscribe. */
export function onHostAccessChange(api: PermissionsApi, listener: () => void): () => void {
  api.permissions.onAdded.addListener(listener);
  api.permissions.onRemoved.addListener(listener);
  return () => {
    api.permissions.onAdded.removeListener(listener);
    api.permissions.onRemoved.removeListener(listener);
  };
}
