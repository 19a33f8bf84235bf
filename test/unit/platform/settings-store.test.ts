import { describe, expect, it } from 'vitest';
import type { SettingsState } from '../../../src/platform/policy.ts';
import {
  DEFAULT_SETTINGS,
  loadSettings,
  loadSettingsState,
  onSettingsStateChange,
  SETTINGS_KEY,
  type SettingsApi,
  saveUserSettings,
} from '../../../src/platform/settings-store.ts';
import { memoryArea } from './memory-area.ts';

type Listener = (changes: Record<string, { newValue?: unknown }>, area: string) => void;

/** storage.local in memory, a policy the test can change, and onChanged firing like the browser's. */
function fakeApi(stored?: unknown, policy?: Record<string, unknown> | 'reject') {
  const listeners = new Set<Listener>();
  const local = memoryArea(stored === undefined ? {} : { [SETTINGS_KEY]: stored });
  let managed = policy;
  const fire: Listener = (changes, area) => {
    for (const l of listeners) l(changes, area);
  };
  const api: SettingsApi = {
    storage: {
      local: {
        get: local.get,
        async set(items) {
          await local.set(items);
          fire(Object.fromEntries(Object.entries(items).map(([k, v]) => [k, { newValue: v }])), 'local');
        },
      },
      managed: {
        get: async () => {
          if (managed === 'reject') throw new Error('Managed storage manifest not found');
          return structuredClone(managed ?? {});
        },
      },
      onChanged: { addListener: (l) => listeners.add(l), removeListener: (l) => listeners.delete(l) },
    },
  };
  return {
    api,
    local,
    listeners,
    setPolicy(next: Record<string, unknown>) {
      managed = next;
      fire(Object.fromEntries(Object.keys(next).map((k) => [k, { newValue: next[k] }])), 'managed');
    },
  };
}

const OLD = { relayUrl: 'https://old.example', targets: [], profile: 'meetings' };

describe('settings store', () => {
  it('reads settings saved before the new fields existed, with defaults for the rest', async () => {
    const { api } = fakeApi(OLD);
    expect(await loadSettings(api)).toEqual({ ...DEFAULT_SETTINGS, ...OLD });
  });

  it('gives the defaults when nothing is stored and the browser has no policy (Firefox rejects)', async () => {
    const { api } = fakeApi(undefined, 'reject');
    const state = await loadSettingsState(api);
    expect(state).toEqual({ settings: DEFAULT_SETTINGS, locked: [], ignored: [], allowUserOverride: true });
  });

  it('applies the policy on top of the user settings', async () => {
    const { api } = fakeApi(OLD, { relayUrl: 'https://policy.example', quickDurationS: 99 });
    const state = await loadSettingsState(api);
    expect(state.settings.relayUrl).toBe('https://policy.example');
    expect(state.settings.profile).toBe('meetings');
    expect(state.locked).toEqual(['relayUrl']);
    expect(state.ignored.map((i) => i.key)).toEqual(['quickDurationS']);
  });

  it('saves only the unlocked fields and keeps the user’s own value of locked ones', async () => {
    const { api, local } = fakeApi(OLD, { relayUrl: 'https://policy.example', thresholds: { mosPass: 4.2 } });
    const candidate = {
      ...DEFAULT_SETTINGS,
      relayUrl: 'https://policy.example',
      profile: 'desktop-app' as const,
      thresholds: { ...DEFAULT_SETTINGS.thresholds, mosPass: 4.2, rttGoodMs: 80 },
    };
    const state = await saveUserSettings(api, candidate);
    const stored = local.data[SETTINGS_KEY] as Record<string, unknown>;
    expect(stored.relayUrl).toBe('https://old.example');
    expect(stored.profile).toBe('desktop-app');
    expect(stored.thresholds).toEqual({ rttGoodMs: 80, lossGoodPercent: 1, jitterGoodMs: 30 });
    expect(state.settings.relayUrl).toBe('https://policy.example');
    expect(state.settings.thresholds).toMatchObject({ rttGoodMs: 80, mosPass: 4.2 });
  });

  it('saves nothing of the user’s when the policy locks everything', async () => {
    const { api, local } = fakeApi(OLD, { allowUserOverride: false });
    await saveUserSettings(api, { ...DEFAULT_SETTINGS, profile: 'mobile-app' });
    expect(local.data[SETTINGS_KEY]).toEqual(OLD);
  });

  it('announces a policy change and a settings change, and stops when unsubscribed', async () => {
    const { api, listeners, setPolicy } = fakeApi(OLD, {});
    const seen: SettingsState[] = [];
    const off = onSettingsStateChange(api, (s) => seen.push(s));
    setPolicy({ profile: 'desktop-app' });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.settings.profile).toBe('desktop-app');
    expect(seen[0]?.locked).toEqual(['profile']);
    await api.storage.local.set({ unrelated: 1 });
    await api.storage.local.set({ [SETTINGS_KEY]: { ...OLD, quickDurationS: 7 } });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]?.settings.quickDurationS).toBe(7);
    off();
    expect(listeners.size).toBe(0);
  });
});
