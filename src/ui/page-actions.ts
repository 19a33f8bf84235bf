/** The real actions for extension pages: messages to the background plus storage subscriptions. */
import * as v from 'valibot';
import { getBrowser } from '../platform/browser.ts';
import { loadConfirmations, onConfirmationsChange, setConfirmation } from '../platform/checklist-store.ts';
import { loadHistory, onHistoryChange } from '../platform/history-store.ts';
import { sendRequest } from '../platform/messaging.ts';
import { openExtensionPage } from '../platform/pages.ts';
import { hasHostAccess, onHostAccessChange, originsFor, requestHostAccess } from '../platform/permissions.ts';
import { subscribeRunState } from '../platform/run-state-port.ts';
import { loadShared, loadShareSettings, onSharedChange, shareFromPage } from '../platform/share-store.ts';
import { RunState } from '../protocol/runtime-messages.ts';
import type { ExtensionActions, ReportActions } from './actions.ts';

export function pageActions(): ExtensionActions {
  const api = getBrowser();
  return {
    getState: async () => v.parse(RunState, await sendRequest(api, { type: 'getState' })),
    runCheck: async (mode = 'quick') => {
      await sendRequest(api, { type: 'runCheck', mode });
    },
    subscribe: (listener) => subscribeRunState(api, listener),
    openPage: (path) => openExtensionPage(api, path),
    getConfirmations: () => loadConfirmations(api.storage.local),
    hasAccess: (url) => hasHostAccess(api, url),
    requestAccess: (url) => requestHostAccess(api, originsFor(url)),
    subscribeAccess: (listener) => onHostAccessChange(api, listener),
  };
}

/** Revoking an object URL right after click() can cancel the download in Firefox; a minute is plenty. */
const REVOKE_AFTER_MS = 60_000;

export function reportPageActions(): ReportActions {
  const api = getBrowser();
  const area = api.storage.local;
  return {
    getState: async () => v.parse(RunState, await sendRequest(api, { type: 'getState' })),
    subscribe: (listener) => subscribeRunState(api, listener),
    getHistory: () => loadHistory(area),
    subscribeHistory: (listener) => onHistoryChange(api.storage.onChanged, listener),
    getConfirmations: () => loadConfirmations(area),
    subscribeConfirmations: (listener) => onConfirmationsChange(api.storage.onChanged, listener),
    setConfirmation: (itemId, date) => setConfirmation(area, itemId, date),
    copyText: (text) => navigator.clipboard.writeText(text),
    download: (fileName, content, type) => {
      const url = URL.createObjectURL(new Blob([content], { type }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
    },
    getShareSettings: () => loadShareSettings(api),
    share: (runId, relayUrl, body) => shareFromPage(area, runId, relayUrl, body),
    getShared: () => loadShared(area),
    subscribeShared: (listener) => onSharedChange(api.storage.onChanged, listener),
  };
}
