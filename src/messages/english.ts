/** The English catalogue, bundled: the text of reports, the command line and support, and every fallback. */
import en from '../../_locales/en/messages.json' with { type: 'json' };

type Catalogue = Record<string, { message: string }>;

const catalogue = en as Catalogue;

/** $1…$9 replaced by the substitutions, as browsers do. */
export function substitute(message: string, subs: readonly string[]): string {
  return message.replace(/\$(\d)/g, (m, d: string) => subs[Number(d) - 1] ?? m);
}

/** The English message for `key` with its substitutions; the key itself when there is none. */
export function englishMessage(key: string, subs: readonly string[] = []): string {
  const entry = catalogue[key];
  return entry ? substitute(entry.message, subs) : key;
}
