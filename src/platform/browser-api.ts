/**
 * The browser APIs the product uses, and only those: the one typed seam between the extension and the browser.
 * Code that needs the browser takes a `Browser` (src/platform/browser.ts builds the real one; unit tests pass
 * fakes), so this list is what a reviewer reads to know what the extension touches, next to its permissions.
 *
 * This module imports no polyfill, so the pages' text (src/platform/i18n.ts) can ask for the browser's
 * translations anywhere: in the extension, in the relay's web page and in unit tests, where there is none.
 */
import type browser from 'webextension-polyfill';

type Polyfill = typeof browser;

/** Chrome's offscreen documents (Chrome only, and absent from the polyfill): where its WebRTC runs. */
export interface OffscreenApi {
  /** Whether an offscreen document with this extension path is open. */
  exists(path: string): Promise<boolean>;
  /** Opens one for WebRTC, with the reason Chrome shows. */
  create(path: string, justification: string): Promise<void>;
}

/** Translations of _locales in the browser's UI language (synchronous; no polyfill needed). */
export interface I18nApi {
  getMessage(key: string, substitutions?: string[]): string;
}

export interface Browser {
  runtime: Pick<
    Polyfill['runtime'],
    | 'id'
    | 'getURL'
    | 'getManifest'
    | 'getPlatformInfo'
    | 'sendMessage'
    | 'onMessage'
    | 'connect'
    | 'onConnect'
  >;
  storage: Pick<Polyfill['storage'], 'local' | 'managed' | 'onChanged'>;
  permissions: Pick<Polyfill['permissions'], 'contains' | 'request' | 'onAdded' | 'onRemoved'>;
  action: Pick<Polyfill['action'], 'setBadgeText' | 'setBadgeBackgroundColor' | 'setTitle'>;
  tabs: Pick<Polyfill['tabs'], 'create'>;
  /** Monitor mode's schedule (src/monitor/). */
  alarms: Pick<Polyfill['alarms'], 'create' | 'clear' | 'get' | 'onAlarm'>;
  /** Monitor mode's "the verdict got worse" notice. */
  notifications: Pick<Polyfill['notifications'], 'create' | 'clear' | 'onClicked'>;
  /**
   * Why a request failed (net::ERR_*, NS_ERROR_*), which fetch does not say; and how one went (through a
   * proxy, to which address), for the relay's hosts only (host access).
   */
  webRequest: Pick<Polyfill['webRequest'], 'onErrorOccurred' | 'onResponseStarted'>;
  i18n: I18nApi;
  /** Chrome only. */
  offscreen: OffscreenApi | null;
}

export type { Runtime, Storage, WebRequest } from 'webextension-polyfill';

type Globals = { browser?: { i18n?: I18nApi }; chrome?: { i18n?: I18nApi } };

/** The browser's translations where the page runs inside the extension; null elsewhere. */
export function pageI18n(): I18nApi | null {
  const g = globalThis as Globals;
  const api = g.browser?.i18n ?? g.chrome?.i18n;
  return api?.getMessage ? { getMessage: (key, subs) => api.getMessage(key, subs) } : null;
}
