/**
 * Translated messages from the extension's _locales, in the browser's UI language. getMessage is synchronous
 * and needs no polyfill; outside an extension (unit tests, the relay's web page) the English catalogue bundled
 * with src/messages answers, so every page renders the same keys everywhere.
 */

import type { PlainMessageKey } from '../messages/catalog.ts';
import { englishMessage, substitute } from '../messages/english.ts';
import type { LabelKey, LabelSubs } from '../messages/labels.ts';
import type { Language } from '../messages/render.ts';
import { pageI18n } from './browser-api.ts';

export { substitute };

/**
 * True in the extension's own pages (scripts/build.ts defines it): there the browser answers every key, since
 * English is the manifest's default_locale, and leaving the bundled catalogue out keeps the popup small
 * (the catalogue was 57 KB of its 126 KB). Undefined everywhere else, which keeps the catalogue.
 */
declare const __MESSAGES_FROM_BROWSER__: boolean | undefined;

/** Set by a page outside the extension (the relay's web check), which has no browser catalogue to ask. */
let pageLanguage: Language | null = null;

/** The language of a page outside the extension: its labels and messages from then on. */
export function setPageLanguage(lang: Language | null): void {
  pageLanguage = lang;
}

/** Any key's text; the English text when the browser has none; the key itself when nobody has it. */
function translate(key: string, subs: readonly (string | number)[]): string {
  const strings = subs.map(String);
  if (pageLanguage) return pageLanguage.text(key, strings);
  const fromBrowser = pageI18n()?.getMessage(key, strings);
  // The condition is written out, not kept in a variable, so that the build drops the catalogue's branch.
  return typeof __MESSAGES_FROM_BROWSER__ === 'boolean' && __MESSAGES_FROM_BROWSER__
    ? fromBrowser || key
    : fromBrowser || englishMessage(key, strings);
}

/**
 * A label of the pages in the UI language, with exactly the substitutions its text takes; or a message
 * without arguments. Messages with arguments go through src/messages/render.ts (their numbers, nested
 * messages and dates are written the language's way there).
 */
export function t<K extends LabelKey>(key: K, ...subs: LabelSubs<K>): string;
export function t(key: PlainMessageKey): string;
export function t(key: string, ...subs: Array<string | number>): string {
  return translate(key, subs);
}

/** The browser's UI language, for src/messages/render.ts: numbers and dates follow its catalogue's tag. */
export const UI: Language = {
  tag: () => t('localeTag') || 'en',
  text: translate,
};
