/**
 * The one function that turns a message into words: in the UI language for the pages, in English for the
 * report's text (`summary`, `headline`), the command line and support. Numbers and dates follow the language
 * of the words around them, not the operating system.
 */
import { type ArgKind, isMessageKey, MESSAGES } from './catalog.ts';
import { englishMessage } from './english.ts';
import type { LabelKey, LabelSubs } from './labels.ts';
import type { Message, MessageArg } from './message.ts';

/**
 * A language to say things in: its tag (for numbers and dates) and its catalogue. ENGLISH is here; the
 * browser's UI language is UI in src/platform/i18n.ts.
 */
export interface Language {
  tag(): string;
  text(key: string, subs: string[]): string;
}

export const ENGLISH: Language = { tag: () => 'en', text: englishMessage };

const isEnglish = (tag: string) => /^en\b/i.test(tag);

const FIXED: Partial<Record<ArgKind, number>> = { fixed0: 0, fixed1: 1, fixed2: 2 };

/** A number as English writes it (with `decimals` when given), or in the language's digits. */
export function formatNumber(value: number, lang: Language, decimals?: number): string {
  const english = decimals === undefined ? String(value) : value.toFixed(decimals);
  const tag = lang.tag();
  if (isEnglish(tag) || !Number.isFinite(value)) return english;
  const places = english.split('.')[1]?.length ?? 0;
  return new Intl.NumberFormat(tag, {
    useGrouping: false,
    minimumFractionDigits: places,
    maximumFractionDigits: places,
  }).format(Number(english));
}

/** A 'YYYY-MM-DD' day; other languages get their own date format. */
export function formatDay(day: string, lang: Language): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  const tag = lang.tag();
  if (isEnglish(tag) || !/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) return day;
  return new Date(ms).toLocaleDateString(tag, { timeZone: 'UTC' });
}

/** A whole number with the language's thousands separator ("10,000"; "10.000" in German). */
export function formatCount(value: number, lang: Language): string {
  const tag = lang.tag();
  return new Intl.NumberFormat(isEnglish(tag) ? 'en-US' : tag, { maximumFractionDigits: 0 }).format(value);
}

const JOINER: Partial<Record<ArgKind, string>> = { sentences: ' ', list: ', ', semicolons: '; ' };

function renderArg(arg: MessageArg | undefined, kind: ArgKind, lang: Language): string {
  if (arg === undefined) return '';
  if (Array.isArray(arg)) return arg.map((m) => renderMessage(m, lang)).join(JOINER[kind] ?? ', ');
  if (typeof arg === 'object') return renderMessage(arg, lang);
  if (typeof arg === 'number') {
    return kind === 'count' ? formatCount(arg, lang) : formatNumber(arg, lang, FIXED[kind]);
  }
  return kind === 'day' ? formatDay(arg, lang) : arg;
}

/**
 * The message in words. A key this build does not know (a report from a newer version) gives null, so the
 * caller shows the English text stored beside the message.
 */
export function renderKnown(message: Message, lang: Language): string | null {
  if (!isMessageKey(message.key)) return null;
  const kinds: readonly ArgKind[] = MESSAGES[message.key];
  return lang.text(
    message.key,
    kinds.map((kind, i) => renderArg(message.args[i], kind, lang)),
  );
}

export function renderMessage(message: Message, lang: Language): string {
  return renderKnown(message, lang) ?? message.key;
}

/** English: what the report stores as text beside the message, and what the command line prints. */
export const english = (message: Message): string => renderMessage(message, ENGLISH);

/** Something said: a message, or English text kept from a report made before messages (shown as it is). */
export type Said = Message | string;

export function renderSaid(said: Said, lang: Language): string {
  return typeof said === 'string' ? said : renderMessage(said, lang);
}

/** In `lang`, or the stored English when there is no message (a report from before messages). */
export function shown(message: Message | undefined, storedEnglish: string, lang: Language): string {
  return (message && renderKnown(message, lang)) ?? storedEnglish;
}

/** A label (src/messages/labels.ts) in `lang`, with exactly the substitutions it takes. */
export function label<K extends LabelKey>(lang: Language, key: K, ...subs: LabelSubs<K>): string {
  return lang.text(key, (subs as readonly (string | number)[]).map(String));
}
