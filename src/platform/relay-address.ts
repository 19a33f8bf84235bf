/**
 * The address this browser last reached the relay at, remembered in storage.local. A browser that has reached
 * the relay once also keeps its HSTS, and then answers plain HTTP to the relay's name itself (an internal
 * redirect) without opening a connection: a TLS stall could then no longer be told from a dropping firewall
 * by name (src/checks/stall-diagnosis.ts). HSTS never applies to an address, so the diagnosis asks the
 * address instead. Only the relay's own address is kept (the address the browser connected to, as
 * webRequest reports it for the extension's own requests), never the user's, and it does not leave the computer.
 */
import * as v from 'valibot';
import type { Browser, WebRequest } from './browser-api.ts';
import { routeOf } from './net-errors.ts';
import type { StorageArea } from './storage-area.ts';

export const RELAY_ADDRESS_KEY = 'relayAddresses';
/** Relays remembered at once (a user switching between a few in the options). */
const KEEP = 8;

const Remembered = v.record(v.pipe(v.string(), v.maxLength(260)), v.pipe(v.string(), v.ip()));

async function load(area: StorageArea): Promise<Record<string, string>> {
  const parsed = v.safeParse(Remembered, (await area.get(RELAY_ADDRESS_KEY))[RELAY_ADDRESS_KEY]);
  return parsed.success ? parsed.output : {};
}

/** The address the relay at this host (name or name:port) answered from last, or null. */
export async function lastRelayAddress(area: StorageArea, host: string): Promise<string | null> {
  return (await load(area))[host.toLowerCase()] ?? null;
}

/** Remembers `address` for `host`, keeping the newest KEEP hosts. */
export async function rememberRelayAddress(area: StorageArea, host: string, address: string): Promise<void> {
  if (!v.is(v.pipe(v.string(), v.ip()), address)) return;
  const key = host.toLowerCase();
  const known = await load(area);
  if (known[key] === address) return;
  delete known[key];
  const kept = Object.entries(known).slice(-(KEEP - 1));
  await area.set({ [RELAY_ADDRESS_KEY]: Object.fromEntries([...kept, [key, address]]) });
}

/**
 * During a run: notes the address of each answer from the relay to the extension's own requests, and keeps
 * the last one when the run ends, unless a proxy was on the way. Through a proxy the browser connects to the
 * proxy, not the relay: Firefox says so (webRequest proxyInfo), Chromium only gives the proxy's address as
 * `ip`, so there the run's own finding decides (`proxied`: the report named a proxy). A proxy's address
 * remembered as the relay's would send the next run's stall diagnosis to the proxy.
 */
export function watchRelayAddress(
  api: Browser,
  relayUrl: string,
): { stop(outcome: { proxied: boolean } | null): Promise<void> } {
  const url = new URL(relayUrl);
  let seen: string | null = null;
  let proxiedAnswer = false;
  let stopped = false;
  const listener = (details: WebRequest.OnResponseStartedDetailsType) => {
    // The extension's own requests only (no tab): a page the user opens on the relay's host is not ours.
    if (details.tabId !== -1 || !details.ip) return;
    if (new URL(details.url).host !== url.host) return;
    if (routeOf(details)?.proxy) proxiedAnswer = true;
    else seen = details.ip.replace(/^\[|\]$/g, '');
  };
  api.webRequest.onResponseStarted.addListener(listener, { urls: [`https://${url.hostname}/*`] });
  return {
    // `outcome` null: the run did not finish, so whether a proxy was on the way is not known. Only the
    // first call counts.
    async stop(outcome) {
      if (stopped) return;
      stopped = true;
      api.webRequest.onResponseStarted.removeListener(listener);
      if (!seen || proxiedAnswer || !outcome || outcome.proxied) return;
      await rememberRelayAddress(api.storage.local, url.host, seen).catch(() => undefined);
    },
  };
}
