/**
 * Collects the browser's own error strings for failed requests (webRequest.onErrorOccurred) during one run, so
 * a failed fetch or WebSocket can be told apart: DNS, refused, timed out, certificate, unsafe port. Only hosts
 * the extension has permission for are reported; for others the check falls back to what it can see.
 */
import type { NetErrorLookup } from '../checks/context.ts';
import type { Browser, WebRequest } from './browser.ts';

const KEEP = 64;

/** Starts listening; call stop() when the run ends so errors never leak from one run into the next. */
export function watchNetErrors(api: Browser): NetErrorLookup & { stop(): void } {
  const errors = new Map<string, string>();
  const waiters = new Map<string, Array<(e: string) => void>>();
  const key = (url: string) => url.replace(/^wss:/, 'https:').replace(/^ws:/, 'http:');

  const listener = (details: WebRequest.OnErrorOccurredDetailsType) => {
    const k = key(details.url);
    errors.set(k, details.error);
    if (errors.size > KEEP) errors.delete(errors.keys().next().value as string);
    for (const w of waiters.get(k) ?? []) w(details.error);
    waiters.delete(k);
  };
  api.webRequest.onErrorOccurred.addListener(listener, { urls: ['<all_urls>'] });

  return {
    errorFor(url, waitMs) {
      const k = key(url);
      const known = errors.get(k);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(undefined), waitMs);
        const list = waiters.get(k) ?? [];
        list.push((e) => {
          clearTimeout(t);
          resolve(e);
        });
        waiters.set(k, list);
      });
    },
    stop() {
      api.webRequest.onErrorOccurred.removeListener(listener);
    },
  };
}
