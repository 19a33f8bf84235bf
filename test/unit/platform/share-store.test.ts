import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTINGS_KEY, type SettingsApi } from '../../../src/platform/settings-store.ts';
import {
  loadShared,
  loadShareSettings,
  SHARED_KEY,
  shareFromPage,
} from '../../../src/platform/share-store.ts';
import { prepareShare } from '../../../src/share/prepare-share.ts';
import { report } from '../../fakes/report.ts';
import { memoryArea } from './memory-area.ts';

const api = (user: unknown, policy: Record<string, unknown> = {}): SettingsApi => ({
  storage: {
    local: memoryArea({ [SETTINGS_KEY]: user }),
    managed: { get: async () => policy },
    onChanged: { addListener: () => undefined, removeListener: () => undefined },
  },
});

afterEach(() => vi.unstubAllGlobals());

describe('share settings', () => {
  it('take the relay and the full-addresses default from the settings, and the policy’s lock', async () => {
    const user = {
      relayUrl: 'https://relay.example:8443',
      targets: [],
      share: { includeFullAddresses: true },
    };
    expect(await loadShareSettings(api(user))).toEqual({
      relayUrl: 'https://relay.example:8443',
      includeFullAddresses: true,
      fullAddressesLocked: false,
    });
    const locked = await loadShareSettings(api(user, { share: { includeFullAddresses: false } }));
    expect(locked).toMatchObject({ includeFullAddresses: false, fullAddressesLocked: true });
  });
});

describe('shareFromPage', () => {
  const body = prepareShare(report(), { includeFullAddresses: false });
  const answer = {
    code: 'ABCD2345',
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    url: 'https://relay.example/console/r/ABCD2345',
    expiresAt: '2026-12-21T12:00:00.000Z',
  };

  it('uploads with the page’s fetch and remembers the code with the run', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(answer), { status: 201 }));
    vi.stubGlobal('fetch', fetch);
    const area = memoryArea();
    const out = await shareFromPage(area, 'run-1', 'https://relay.example', body, () =>
      Date.UTC(2026, 10, 21),
    );
    expect(out).toEqual({ ok: true, response: answer });
    expect(fetch).toHaveBeenCalledWith(
      'https://relay.example/api/reports',
      expect.objectContaining({ body }),
    );
    expect(await loadShared(area)).toEqual([
      {
        runId: 'run-1',
        code: 'ABCD2345',
        url: 'https://relay.example/console/r/ABCD2345',
        expiresAt: '2026-12-21T12:00:00.000Z',
        sharedAt: '2026-11-21T00:00:00.000Z',
        redaction: 'default',
      },
    ]);
  });

  it('remembers nothing when the upload fails, and never throws', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const area = memoryArea({ [SHARED_KEY]: 'damaged' });
    const out = await shareFromPage(area, 'run-1', 'https://relay.example', body);
    expect(out.ok).toBe(false);
    expect(await loadShared(area)).toEqual([]);
  });
});
