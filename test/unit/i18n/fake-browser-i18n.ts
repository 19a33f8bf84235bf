/**
 * A browser i18n API answering from one of the extension's catalogues, as Chrome's does for a user whose UI
 * language it is: a missing key gives '', and $1..$9 are substituted.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { substitute } from '../../../src/platform/i18n.ts';

type Catalogue = Record<string, { message: string }>;

export function catalogue(lang: string): Catalogue {
  // A path, not a URL: under happy-dom `URL` is the DOM's, which node:fs does not take.
  const file = join(dirname(fileURLToPath(import.meta.url)), `../../../_locales/${lang}/messages.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Catalogue;
}

/** Installs globalThis.chrome.i18n for `lang`; the returned function removes it again. */
export function useBrowserLanguage(lang: string): () => void {
  const messages = catalogue(lang);
  const g = globalThis as { chrome?: unknown };
  const before = g.chrome;
  g.chrome = {
    i18n: {
      getMessage: (key: string, subs?: string | string[]) => {
        const entry = messages[key];
        if (!entry) return '';
        return substitute(entry.message, subs === undefined ? [] : Array.isArray(subs) ? subs : [subs]);
      },
      getUILanguage: () => lang,
    },
  };
  return () => {
    if (before === undefined) delete g.chrome;
    else g.chrome = before;
  };
}
