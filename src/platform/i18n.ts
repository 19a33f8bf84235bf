/**
 * Translated messages from the extension's _locales, in the browser's UI language. getMessage is synchronous
 * and needs no polyfill; outside an extension (unit tests, the relay's web page) the English catalogue bundled
 * with src/messages answers, so every page renders the same keys everywhere.
 */
import { englishMessage, substitute } from '../messages/english.ts';
import type { Language } from '../messages/render.ts';
import { pageI18n } from './browser-api.ts';

export { substitute };
export const fallbackMessage = englishMessage;

/** The message for `key`; the English text when the browser has none; the key itself when nobody has it. */
export function t(key: string, ...subs: Array<string | number>): string {
  const strings = subs.map(String);
  const fromBrowser = pageI18n()?.getMessage(key, strings);
  return fromBrowser || englishMessage(key, strings);
}

/** The browser's UI language, for src/messages/render.ts: numbers and dates follow its catalogue's tag. */
export const UI: Language = {
  tag: () => t('localeTag') || 'en',
  text: (key, subs) => t(key, ...subs),
};
