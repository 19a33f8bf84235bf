/**
 * Settings: the user's in storage.local, the administrator's in storage.managed, build-time defaults under both.
 * Readers get the effective settings (policy.ts); writers only ever touch the user's layer.
 */
import { defaultSettings, getField, SETTING_FIELDS, type Settings, setField } from '../protocol/settings.ts';
import { effectiveSettings, type ManagedArea, readManagedPolicy, type SettingsState } from './policy.ts';
import type { StorageArea, StorageEvents } from './storage-area.ts';

declare const __DEFAULT_RELAY_URL__: string;
// esbuild replaces the name in both places; unit tests run without the define, and typeof of an undeclared
// name is 'undefined' rather than a ReferenceError.
const DEFAULT_RELAY =
  typeof __DEFAULT_RELAY_URL__ === 'string' ? __DEFAULT_RELAY_URL__ : 'https://127.0.0.1:8443';

export const DEFAULT_SETTINGS: Settings = defaultSettings(DEFAULT_RELAY);

export const SETTINGS_KEY = 'settings';

/** The storage the settings use; `getBrowser()` satisfies it, unit tests pass in-memory areas. */
export interface SettingsApi {
  storage: { local: StorageArea; managed?: ManagedArea; onChanged: StorageEvents };
}

async function readUser(api: SettingsApi): Promise<unknown> {
  return (await api.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
}

/** Effective settings, which fields the policy locks, and the policy values it had to ignore. */
export async function loadSettingsState(api: SettingsApi): Promise<SettingsState> {
  const [user, managed] = await Promise.all([readUser(api), readManagedPolicy(api.storage.managed)]);
  return effectiveSettings(DEFAULT_SETTINGS, user, managed);
}

/** What a run uses. Read afresh each time, so a policy or options change applies to the next run. */
export async function loadSettings(api: SettingsApi): Promise<Settings> {
  return (await loadSettingsState(api)).settings;
}

/** Replaces the user's settings (the command line and tests, through the background). Policy still wins on read. */
export async function saveSettings(api: SettingsApi, settings: Settings): Promise<void> {
  await api.storage.local.set({ [SETTINGS_KEY]: settings });
}

/**
 * Saves the fields the policy leaves to the user and keeps the user's earlier value of locked ones, so lifting
 * the policy brings back what the user had. Locks are read again here: the policy may have changed since the
 * page showed them.
 */
export async function saveUserSettings(api: SettingsApi, candidate: Settings): Promise<SettingsState> {
  const [user, before] = await Promise.all([readUser(api), loadSettingsState(api)]);
  let next: Record<string, unknown> =
    typeof user === 'object' && user !== null && !Array.isArray(user)
      ? (user as Record<string, unknown>)
      : {};
  for (const field of SETTING_FIELDS) {
    if (!before.locked.includes(field)) next = setField(next, field, getField(candidate, field));
  }
  await api.storage.local.set({ [SETTINGS_KEY]: next });
  return loadSettingsState(api);
}

/**
 * Calls back with the new state whenever the user's settings or the policy change (Chrome announces a policy
 * change as area "managed", so it applies without restarting the browser). Returns an unsubscribe function.
 */
export function onSettingsStateChange(
  api: SettingsApi,
  listener: (state: SettingsState) => void,
): () => void {
  let latest = 0;
  const handler = (changes: Record<string, unknown>, area: string) => {
    if (area !== 'managed' && !(area === 'local' && SETTINGS_KEY in changes)) return;
    // Reads can finish out of order; only the newest one is delivered.
    const mine = ++latest;
    void loadSettingsState(api).then((state) => {
      if (mine === latest) listener(state);
    });
  };
  api.storage.onChanged.addListener(handler);
  return () => api.storage.onChanged.removeListener(handler);
}
