import { describe, expect, it } from 'vitest';
import type { Browser } from '../../../src/platform/browser-api.ts';
import {
  lastRelayAddress,
  RELAY_ADDRESS_KEY,
  rememberRelayAddress,
  watchRelayAddress,
} from '../../../src/platform/relay-address.ts';
import { memoryArea } from './memory-area.ts';

/** The browser's answers to the extension's own requests, as webRequest.onResponseStarted reports them. */
function fakeBrowser() {
  const area = memoryArea();
  const listeners = new Set<(d: unknown) => void>();
  const api = {
    storage: { local: area },
    webRequest: {
      onResponseStarted: {
        addListener: (l: (d: unknown) => void) => listeners.add(l),
        removeListener: (l: (d: unknown) => void) => listeners.delete(l),
      },
    },
  } as unknown as Browser;
  const answer = (details: Record<string, unknown>) => {
    for (const l of listeners) l({ tabId: -1, url: 'https://relay.example/probe', ...details });
  };
  return { api, area, answer, listening: () => listeners.size };
}

/** Lets any storage write still under way land before the test reads. */
const settled = () => new Promise((r) => setTimeout(r, 0));

describe('the address the browser last reached the relay at', () => {
  it('is remembered per relay host (name:port, any case) and read back', async () => {
    const area = memoryArea();
    await rememberRelayAddress(area, 'Relay.Example', '203.0.113.10');
    await rememberRelayAddress(area, 'relay.example:8443', '2001:db8::1');
    expect(await lastRelayAddress(area, 'relay.example')).toBe('203.0.113.10');
    expect(await lastRelayAddress(area, 'relay.example:8443')).toBe('2001:db8::1');
    expect(await lastRelayAddress(area, 'other.example')).toBeNull();
  });

  it('keeps only addresses, and at most 8 relays, the newest', async () => {
    const area = memoryArea();
    await rememberRelayAddress(area, 'relay.example', 'not-an-address');
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
    for (let i = 0; i < 12; i++) await rememberRelayAddress(area, `r${i}.example`, `203.0.113.${i}`);
    expect(Object.keys(area.data[RELAY_ADDRESS_KEY] as object)).toHaveLength(8);
    expect(await lastRelayAddress(area, 'r11.example')).toBe('203.0.113.11');
    expect(await lastRelayAddress(area, 'r3.example')).toBeNull();
  });

  it('ignores a stored value that is not what it wrote (no address is better than a wrong one)', async () => {
    const area = memoryArea({ [RELAY_ADDRESS_KEY]: { 'relay.example': 'http://evil/' } });
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
  });
});

describe("watching the relay's address during a run", () => {
  it('keeps the address the relay answered from when the run went direct', async () => {
    const { api, area, answer, listening } = fakeBrowser();
    const watch = watchRelayAddress(api, 'https://relay.example');
    answer({ ip: '203.0.113.10' });
    await watch.stop({ proxied: false });
    await settled();
    expect(await lastRelayAddress(area, 'relay.example')).toBe('203.0.113.10');
    expect(listening()).toBe(0);
  });

  it("keeps nothing when Firefox names a proxy: the address is the proxy's", async () => {
    const { api, area, answer } = fakeBrowser();
    const watch = watchRelayAddress(api, 'https://relay.example');
    answer({ ip: '192.168.77.1', proxyInfo: { host: '192.168.77.1', port: 3128, type: 'http' } });
    // Even if the run's verdict missed the proxy, the browser said it used one.
    await watch.stop({ proxied: false });
    await settled();
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
  });

  it("keeps the address when Firefox's proxyInfo says direct", async () => {
    const { api, area, answer } = fakeBrowser();
    const watch = watchRelayAddress(api, 'https://relay.example');
    answer({ ip: '203.0.113.10', proxyInfo: { host: '', port: 0, type: 'direct' } });
    await watch.stop({ proxied: false });
    await settled();
    expect(await lastRelayAddress(area, 'relay.example')).toBe('203.0.113.10');
  });

  it('keeps nothing when the run found a proxy (Chromium gives only the address it connected to)', async () => {
    const { api, area, answer } = fakeBrowser();
    await rememberRelayAddress(area, 'relay.example', '203.0.113.10');
    const watch = watchRelayAddress(api, 'https://relay.example');
    answer({ ip: '192.168.77.1' });
    await watch.stop({ proxied: true });
    await settled();
    // The address from an earlier direct run stays: it is still the relay's own.
    expect(await lastRelayAddress(area, 'relay.example')).toBe('203.0.113.10');
  });

  it('keeps nothing from a run that did not finish, nor from pages in tabs or other hosts', async () => {
    const { api, area, answer } = fakeBrowser();
    const unfinished = watchRelayAddress(api, 'https://relay.example');
    answer({ ip: '203.0.113.10' });
    await unfinished.stop(null);
    await settled();
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
    const watch = watchRelayAddress(api, 'https://relay.example');
    answer({ ip: '203.0.113.66', tabId: 4 });
    answer({ ip: '203.0.113.77', url: 'https://other.example/probe' });
    await watch.stop({ proxied: false });
    await settled();
    expect(await lastRelayAddress(area, 'relay.example')).toBeNull();
  });
});
