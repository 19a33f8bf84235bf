import { render } from 'preact';
import { getBrowser } from '../src/platform/browser.ts';
import { hasHostAccess, onHostAccessChange, requestHostAccess } from '../src/platform/permissions.ts';
import {
  loadSettingsState,
  onSettingsStateChange,
  saveUserSettings,
} from '../src/platform/settings-store.ts';
import { type OptionsActions, OptionsApp } from './app.tsx';

const api = getBrowser();
// The page reads and writes storage itself (it is an extension page), so it sees the policy's locks and
// ignored values, which the background's getSettings answer leaves out.
const actions: OptionsActions = {
  load: () => loadSettingsState(api),
  save: (settings) => saveUserSettings(api, settings),
  subscribe: (listener) => onSettingsStateChange(api, listener),
  requestAccess: (origins) => requestHostAccess(api, origins),
  hasAccess: (url) => hasHostAccess(api, url),
  subscribeAccess: (listener) => onHostAccessChange(api, listener),
};

const root = document.getElementById('app');
if (root) render(<OptionsApp actions={actions} />, root);
