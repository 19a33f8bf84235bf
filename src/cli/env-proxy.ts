/**
 * The proxies the environment sets for the browser (https_proxy, http_proxy, all_proxy, as Chromium on Linux
 * reads them without a desktop's own settings). The command line lets Chromium resolve only the names the
 * check talks to, and a proxy given by name (or even by address: the resolver rules map literals too) is
 * one of them: without it, every request would fail at the proxy. Pure.
 */
const VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'];
/** A proxy setting is a URL; anything longer is not one the check needs to read. */
const MAX_CHARS = 2048;

/** The host of each proxy set in `env` ("proxy.corp", "192.168.77.1"), without repeats. */
export function proxyHostsFromEnv(env: Record<string, string | undefined>): string[] {
  const hosts = new Set<string>();
  for (const name of VARIABLES) {
    const value = env[name]?.trim().slice(0, MAX_CHARS);
    if (!value) continue;
    try {
      // "proxy.corp:3128" without a scheme is common, and means HTTP.
      const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
      if (url.hostname) hosts.add(url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase());
    } catch {
      // Not a URL: Chromium ignores it as well.
    }
  }
  return [...hosts];
}
