import { describe, expect, it, vi } from 'vitest';
import {
  hasHostAccess,
  hostOf,
  onHostAccessChange,
  originsFor,
  originsForAll,
  type PermissionsApi,
  requestHostAccess,
} from '../../../src/platform/permissions.ts';

function fakeApi(granted: string[], answer: boolean | Error = true) {
  const added = new Set<() => void>();
  const removed = new Set<() => void>();
  const api = {
    permissions: {
      contains: vi.fn(async ({ origins }: { origins: string[] }) =>
        origins.every((o) => granted.includes(o)),
      ),
      request: vi.fn(async ({ origins }: { origins: string[] }) => {
        if (answer instanceof Error) throw answer;
        if (answer) granted.push(...origins);
        return answer;
      }),
      onAdded: {
        addListener: (l: () => void) => added.add(l),
        removeListener: (l: () => void) => added.delete(l),
      },
      onRemoved: {
        addListener: (l: () => void) => removed.add(l),
        removeListener: (l: () => void) => removed.delete(l),
      },
    },
  } satisfies PermissionsApi;
  return { api, added, removed };
}

describe('host permissions', () => {
  it('match HTTPS and WSS to the host on any port', () => {
    expect(originsFor('https://relay.example.com:8443/base')).toEqual([
      'https://relay.example.com/*',
      'wss://relay.example.com/*',
    ]);
    expect(hostOf('https://[::1]:8443')).toBe('[::1]');
    expect(originsFor('https://[2001:db8::1]/')).toEqual([
      'https://[2001:db8::1]/*',
      'wss://[2001:db8::1]/*',
    ]);
  });

  it('ask once per host and skip what is not a URL', () => {
    expect(
      originsForAll(['https://a.example:1', 'https://a.example:2/x', 'nope', 'https://b.example']),
    ).toEqual(['https://a.example/*', 'wss://a.example/*', 'https://b.example/*', 'wss://b.example/*']);
  });

  it('call permissions.request synchronously, so the click is still the user gesture', async () => {
    const { api } = fakeApi([]);
    const pending = requestHostAccess(api, originsFor('https://r.example'));
    expect(api.permissions.request).toHaveBeenCalledTimes(1);
    expect(await pending).toBe(true);
    expect(await hasHostAccess(api, 'https://r.example:9443')).toBe(true);
  });

  it('treat a refusal or an error as no access', async () => {
    expect(await requestHostAccess(fakeApi([], false).api, ['https://r.example/*'])).toBe(false);
    expect(await requestHostAccess(fakeApi([], new Error('no gesture')).api, ['https://r.example/*'])).toBe(
      false,
    );
    expect(await requestHostAccess(fakeApi([]).api, [])).toBe(true);
    expect(await hasHostAccess(fakeApi([]).api, 'not a url')).toBe(false);
  });

  it('report grants and revocations until unsubscribed', () => {
    const { api, added, removed } = fakeApi([]);
    const listener = vi.fn();
    const off = onHostAccessChange(api, listener);
    for (const l of [...added, ...removed]) l();
    expect(listener).toHaveBeenCalledTimes(2);
    off();
    expect(added.size + removed.size).toBe(0);
  });
});
