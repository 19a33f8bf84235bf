import { render } from 'preact';
import { getBrowser } from '../src/platform/browser.ts';
import { sendRequest } from '../src/platform/messaging.ts';
import { parseSettings, type Settings } from '../src/protocol/settings.ts';
import { OptionsApp, type SettingsActions } from './app.tsx';

const api = getBrowser();
const toSettings = (raw: unknown): Settings => {
  const parsed = parseSettings(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const actions: SettingsActions = {
  load: async () => toSettings(await sendRequest(api, { type: 'getSettings' })),
  save: async (settings) => toSettings(await sendRequest(api, { type: 'saveSettings', settings })),
};

const root = document.getElementById('app');
if (root) render(<OptionsApp actions={actions} />, root);
