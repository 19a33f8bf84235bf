/**
 * Translated messages from the extension's _locales, in the browser's UI language. getMessage is synchronous
 * and needs no polyfill; outside an extension (unit tests, the relay's web page) the English catalogue bundled
 * here answers, so every page renders the same keys everywhere.
 */
import en from '../../_locales/en/messages.json';
import { pageI18n } from './browser-api.ts';

type Catalogue = Record<string, { message: string }>;

const english = en as Catalogue;

/** $1…$9 replaced by the substitutions, as browsers do. */
export function substitute(message: string, subs: readonly string[]): string {
  return message.replace(/\$(\d)/g, (m, d: string) => subs[Number(d) - 1] ?? m);
}

export function fallbackMessage(key: string, subs: readonly string[] = []): string {
  const entry = english[key];
  return entry ? substitute(entry.message, subs) : key;
}

/** The message for `key`; the English text when the browser has none; the key itself when nobody has it. */
export function t(key: string, ...subs: Array<string | number>): string {
  const strings = subs.map(String);
  const fromBrowser = pageI18n()?.getMessage(key, strings);
  return fromBrowser || fallbackMessage(key, strings);
}
