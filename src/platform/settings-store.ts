/** Settings in extension storage, with build-time defaults; invalid stored values fall back to defaults. */
import { DEFAULT_PROFILE_ID } from '../profiles/index.ts';
import { parseSettings, type Settings } from '../protocol/settings.ts';
import type { Browser } from './browser.ts';

declare const __DEFAULT_RELAY_URL__: string;

export const DEFAULT_SETTINGS: Settings = {
  relayUrl: __DEFAULT_RELAY_URL__,
  targets: [],
  profile: DEFAULT_PROFILE_ID,
};

const KEY = 'settings';

export async function loadSettings(api: Browser): Promise<Settings> {
  const stored = (await api.storage.local.get(KEY))[KEY];
  if (stored === undefined) return DEFAULT_SETTINGS;
  const parsed = parseSettings(stored);
  return parsed.ok ? parsed.value : DEFAULT_SETTINGS;
}

export async function saveSettings(api: Browser, settings: Settings): Promise<void> {
  await api.storage.local.set({ [KEY]: settings });
}
