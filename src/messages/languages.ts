/**
 * The languages of the catalogue for what is rendered outside the browser's own i18n: the relay's landing
 * page (chosen by the visitor's Accept-Language) and its web check (the page tells it which). A key a
 * language lacks falls back to English, as browsers do for the extension.
 */
import de from '../../_locales/de/messages.json' with { type: 'json' };
import { englishMessage, substitute } from './english.ts';
import { ENGLISH, type Language } from './render.ts';

type Catalogue = Record<string, { message: string }>;

function catalogueLanguage(tag: string, catalogue: Catalogue): Language {
  return {
    tag: () => tag,
    text: (key, subs) => {
      const entry = catalogue[key];
      return entry ? substitute(entry.message, subs) : englishMessage(key, subs);
    },
  };
}

export const LANGUAGES = { en: ENGLISH, de: catalogueLanguage('de', de as Catalogue) } as const;
export type LanguageTag = keyof typeof LANGUAGES;
export const LANGUAGE_TAGS = Object.keys(LANGUAGES) as LanguageTag[];

const isTag = (x: string): x is LanguageTag => Object.hasOwn(LANGUAGES, x);

/** Enough for any real browser's list; the rest of a longer header is not read. */
const MAX_ACCEPT_LANGUAGE = 512;

/**
 * The language to answer in for an Accept-Language header ("de-CH,de;q=0.9,en;q=0.8"): the one the visitor
 * weights highest among those we have, by primary subtag; English when none matches. Linear in the header,
 * which is cut to MAX_ACCEPT_LANGUAGE first.
 */
export function pickLanguage(acceptLanguage: string | undefined): LanguageTag {
  let best: LanguageTag = 'en';
  let bestQ = 0;
  for (const part of (acceptLanguage ?? '').slice(0, MAX_ACCEPT_LANGUAGE).split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const primary = range.trim().toLowerCase().split('-')[0] ?? '';
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (isTag(primary) && Number.isFinite(q) && q > bestQ) {
      best = primary;
      bestQ = q;
    }
  }
  return best;
}

/** A page's `lang` attribute as one of ours (English for anything else). */
export function languageTagOf(lang: string): LanguageTag {
  const primary = lang.toLowerCase().split('-')[0] ?? '';
  return isTag(primary) ? primary : 'en';
}
