/**
 * The only module that imports webextension-polyfill. Everything else reaches the browser through the small
 * interface below, so unit tests can pass a fake and the list of APIs the product touches stays visible.
 */
import browser from 'webextension-polyfill';

export type Browser = typeof browser;
export type { Runtime, Storage, WebRequest } from 'webextension-polyfill';

export function getBrowser(): Browser {
  return browser;
}

/** Which build this is; set by esbuild's define. */
declare const __TARGET__: 'chrome' | 'firefox';
declare const __DEV__: boolean;
export const TARGET: 'chrome' | 'firefox' = __TARGET__;
export const DEV: boolean = __DEV__;
