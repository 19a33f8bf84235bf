/**
 * Collects what the browser says about the run's requests (webRequest): its own error strings for failed ones
 * (onErrorOccurred), so a failed fetch or WebSocket can be told apart (DNS, refused, timed out, certificate,
 * unsafe port, proxy), and the route each took (onResponseStarted, onErrorOccurred): the proxy Firefox names,
 * the address the browser connected to. Only hosts the extension has permission for are reported; for others
 * the check falls back to what it can see.
 */
import type { NetErrorLookup } from '../checks/context.ts';
import type { Route } from '../checks/ports/proxy-path.ts';
import type { Browser, WebRequest } from './browser-api.ts';

const KEEP = 64;
/** Longer than any host:port or address: a browser's value is cut, never trusted to be small. */
const MAX_FIELD = 128;

/** The fields of a webRequest event this module reads; Firefox adds proxyInfo (not in the polyfill's types). */
interface RouteDetails {
  ip?: string;
  proxyInfo?: { host?: unknown; port?: unknown; type?: unknown } | null;
}

/**
 * The route one event reports, or null when it says nothing. Firefox's proxyInfo of type "direct" is no
 * proxy; Chromium gives no proxyInfo, only `ip`, which is the proxy's address when the request was proxied.
 */
export function routeOf(details: RouteDetails): Route | null {
  const info = details.proxyInfo;
  const proxied =
    info && typeof info.host === 'string' && info.host !== '' && info.type !== 'direct'
      ? `${info.host}${typeof info.port === 'number' ? `:${info.port}` : ''}`.slice(0, MAX_FIELD)
      : null;
  const ip = typeof details.ip === 'string' && details.ip !== '' ? details.ip.slice(0, MAX_FIELD) : null;
  return proxied || ip ? { proxy: proxied, connectedTo: ip } : null;
}

/** A bounded map: the oldest entry goes when a new one would pass KEEP. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value as string);
}

/** Waiters for a value under a key, each with its own time limit. */
function waitable<T>() {
  const values = new Map<string, T>();
  const waiters = new Map<string, Array<(v: T) => void>>();
  return {
    set(key: string, value: T) {
      remember(values, key, value);
      for (const w of waiters.get(key) ?? []) w(value);
      waiters.delete(key);
    },
    get(key: string, waitMs: number): Promise<T | undefined> {
      const known = values.get(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(undefined), waitMs);
        const list = waiters.get(key) ?? [];
        list.push((v) => {
          clearTimeout(t);
          resolve(v);
        });
        waiters.set(key, list);
      });
    },
  };
}

/** Starts listening; call stop() when the run ends so errors never leak from one run into the next. */
export function watchNetErrors(api: Browser): NetErrorLookup & { stop(): void } {
  const errors = waitable<string>();
  const routes = waitable<Route>();
  const key = (url: string) => url.replace(/^wss:/, 'https:').replace(/^ws:/, 'http:');
  const noteRoute = (details: { url: string } & RouteDetails) => {
    const route = routeOf(details);
    if (route) routes.set(key(details.url), route);
  };

  const onError = (details: WebRequest.OnErrorOccurredDetailsType) => {
    noteRoute(details);
    errors.set(key(details.url), details.error);
  };
  const onStarted = (details: WebRequest.OnResponseStartedDetailsType) => noteRoute(details);
  const filter = { urls: ['<all_urls>'] };
  api.webRequest.onErrorOccurred.addListener(onError, filter);
  api.webRequest.onResponseStarted.addListener(onStarted, filter);

  return {
    errorFor: (url, waitMs) => errors.get(key(url), waitMs),
    routeFor: (url, waitMs) => routes.get(key(url), waitMs),
    stop() {
      api.webRequest.onErrorOccurred.removeListener(onError);
      api.webRequest.onResponseStarted.removeListener(onStarted);
    },
  };
}
