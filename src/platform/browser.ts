/**
 * The real browser behind the seam of src/platform/browser-api.ts, and the only module that imports
 * webextension-polyfill (which refuses to load outside an extension).
 */
/// <reference types="chrome" />
import browser from 'webextension-polyfill';
import { type Browser, type OffscreenApi, pageI18n } from './browser-api.ts';

export type { Browser, Runtime, Storage, WebRequest } from './browser-api.ts';

function chromeOffscreen(): OffscreenApi | null {
  if (typeof chrome === 'undefined' || !chrome.offscreen) return null;
  return {
    async exists(path) {
      const contexts = await chrome.runtime.getContexts({
        contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
        documentUrls: [chrome.runtime.getURL(path)],
      });
      return contexts.length > 0;
    },
    create: (path, justification) =>
      chrome.offscreen.createDocument({
        url: path,
        reasons: [chrome.offscreen.Reason.WEB_RTC],
        justification,
      }),
  };
}

let real: Browser | null = null;

export function getBrowser(): Browser {
  real ??= {
    runtime: browser.runtime,
    storage: browser.storage,
    permissions: browser.permissions,
    action: browser.action,
    tabs: browser.tabs,
    alarms: browser.alarms,
    notifications: browser.notifications,
    webRequest: browser.webRequest,
    i18n: pageI18n() ?? browser.i18n,
    offscreen: chromeOffscreen(),
  };
  return real;
}

/** Which build this is; set by esbuild's define. */
declare const __TARGET__: 'chrome' | 'firefox';
declare const __DEV__: boolean;
export const TARGET: 'chrome' | 'firefox' = __TARGET__;
export const DEV: boolean = __DEV__;
