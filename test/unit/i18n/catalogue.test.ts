import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { englishMessage } from '../../../src/messages/english.ts';
import { substitute, t } from '../../../src/platform/i18n.ts';

const dir = new URL('../../../_locales/', import.meta.url);
const load = (lang: string) =>
  JSON.parse(readFileSync(new URL(`${lang}/messages.json`, dir), 'utf8')) as Record<
    string,
    { message: string; description?: string }
  >;
const languages = readdirSync(dir);
const en = load('en');
const placeholders = (m: string) => [...m.matchAll(/\$(\d)/g)].map((x) => x[1]).sort();

describe('translations', () => {
  it('has English and at least one more language', () => {
    expect(languages).toContain('en');
    expect(languages.length).toBeGreaterThanOrEqual(2);
  });

  it.each(languages.filter((l) => l !== 'en'))(
    '%s is complete: every English key, same substitutions',
    (lang) => {
      const other = load(lang);
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      for (const [key, { message }] of Object.entries(en)) {
        expect(placeholders(other[key]?.message ?? ''), key).toEqual(placeholders(message));
        expect(other[key]?.message.trim(), key).not.toBe('');
      }
    },
  );

  it('gives every English message a description for translators and a valid name', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(key).toMatch(/^[A-Za-z0-9_]+$/);
      expect(entry.description, key).toBeTruthy();
    }
  });
});

describe('t', () => {
  it('falls back to English outside the browser and substitutes $1..$9', () => {
    expect(t('extName')).toBe('Secure Voice Check');
    expect(substitute('from $1 to $2', ['a', 'b'])).toBe('from a to b');
    expect(englishMessage('no-such-key')).toBe('no-such-key');
  });
});
