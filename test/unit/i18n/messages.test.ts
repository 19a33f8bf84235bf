/**
 * The message catalogue against the translations: every key the product builds from data exists in every
 * language with exactly the placeholders its arguments fill, and renders in every language with sample
 * arguments of each kind (no placeholder left, values written the language's way); every label of the pages
 * (src/messages/labels.ts) exists in every language with its count of placeholders, and no language has a
 * text that is in neither list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { type ArgKind, MESSAGES, type MessageKey } from '../../../src/messages/catalog.ts';
import { LABELS, type LabelKey } from '../../../src/messages/labels.ts';
import type { Message, MessageArg } from '../../../src/messages/message.ts';
import { MessageSchema } from '../../../src/messages/message.ts';
import { ENGLISH, renderMessage } from '../../../src/messages/render.ts';
import { UI } from '../../../src/platform/i18n.ts';
import { useBrowserLanguage } from './fake-browser-i18n.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../_locales');
const languages = readdirSync(DIR);
const catalogue = (lang: string) =>
  JSON.parse(readFileSync(join(DIR, lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\$(\d)/g)].map((m) => Number(m[1])))].sort();
const keys = Object.keys(MESSAGES) as MessageKey[];

const SAMPLE: Record<ArgKind, MessageArg> = {
  text: 'TLSv1.3',
  host: 'relay.example:8443',
  int: 20,
  number: 4.5,
  ms: 12.5,
  s: 8,
  port: 5096,
  fixed0: 150.4,
  fixed1: 7,
  fixed2: 3.8,
  count: 10000,
  day: '2026-11-20',
  phrase: { key: 'phrase_http_ok', args: [] },
  message: { key: 'stage_ice', args: [] },
  sentences: [
    { key: 'nat_none', args: [] },
    { key: 'nat_unknown', args: [] },
  ],
  list: [
    { key: 'port_rule', args: ['UDP', '40000-49999'] },
    { key: 'port_rule', args: ['TCP', '5096'] },
  ],
  semicolons: [
    { key: 'ports_detail_unmeasured', args: [5096, { key: 'port_reason_not_probed', args: [] }] },
    { key: 'ports_detail_unmeasured', args: [5097, { key: 'port_reason_not_probed', args: [] }] },
  ],
};

const sample = (key: MessageKey): Message => ({
  key,
  args: (MESSAGES[key] as readonly ArgKind[]).map((kind) => SAMPLE[kind]),
});

describe('message catalogue', () => {
  it.each(languages)('every key is in %s with exactly the placeholders of its arguments', (lang) => {
    const messages = catalogue(lang);
    for (const key of keys) {
      const entry = messages[key];
      expect(entry, `${lang}: ${key}`).toBeDefined();
      const count = MESSAGES[key].length;
      expect(placeholders(entry?.message ?? ''), `${lang}: ${key}`).toEqual(
        Array.from({ length: count }, (_, i) => i + 1),
      );
    }
  });

  it.each(languages)('every label is in %s with exactly the placeholders its count says', (lang) => {
    const messages = catalogue(lang);
    for (const key of Object.keys(LABELS) as LabelKey[]) {
      const entry = messages[key];
      expect(entry, `${lang}: ${key}`).toBeDefined();
      expect(placeholders(entry?.message ?? ''), `${lang}: ${key}`).toEqual(
        Array.from({ length: LABELS[key] }, (_, i) => i + 1),
      );
    }
  });

  it.each(languages)('%s has no text that is neither a label nor a message, and none is both', (lang) => {
    for (const key of Object.keys(catalogue(lang))) {
      expect(Object.hasOwn(LABELS, key) !== Object.hasOwn(MESSAGES, key), `${lang}: ${key}`).toBe(true);
    }
  });

  it('renders every key in English with sample arguments, values as the checks write them', () => {
    for (const key of keys) {
      const text = renderMessage(sample(key), ENGLISH);
      expect(text, key).not.toMatch(/\$\d/);
      expect(text.trim(), key).not.toBe('');
      for (const kind of MESSAGES[key] as readonly ArgKind[]) {
        if (kind === 'host') expect(text, key).toContain('relay.example:8443');
        if (kind === 'fixed1') expect(text, key).toContain('7.0');
        if (kind === 'fixed2') expect(text, key).toContain('3.80');
        if (kind === 'count') expect(text, key).toContain('10,000');
        if (kind === 'semicolons') expect(text, key).toContain('5096: Not probed in this run; 5097');
      }
    }
  });

  describe('in German', () => {
    let restore: () => void = () => undefined;
    afterEach(() => restore());

    it('renders every key with sample arguments, numbers and dates the German way', () => {
      restore = useBrowserLanguage('de');
      for (const key of keys) {
        const text = renderMessage(sample(key), UI);
        expect(text, key).not.toMatch(/\$\d/);
        expect(text.trim(), key).not.toBe('');
        for (const kind of MESSAGES[key] as readonly ArgKind[]) {
          if (kind === 'host') expect(text, key).toContain('relay.example:8443');
          if (kind === 'ms') expect(text, key).toContain('12,5');
          if (kind === 'fixed1') expect(text, key).toContain('7,0');
          if (kind === 'fixed2') expect(text, key).toContain('3,80');
          if (kind === 'count') expect(text, key).toContain('10.000');
          if (kind === 'day') expect(text, key).toContain('20.11.2026');
          if (kind === 'message') expect(text, key).not.toContain('stage_ice');
        }
      }
    });

    it('says in German what most keys say in English', () => {
      restore = useBrowserLanguage('de');
      const same = keys.filter(
        (key) => renderMessage(sample(key), UI) === renderMessage(sample(key), ENGLISH),
      );
      // Only placeholders, codes and names that read the same in both languages.
      expect(same.length).toBeLessThan(keys.length / 5);
      for (const key of same)
        expect(catalogue('de')[key]?.message.replace(/\$\d|[\s:()/.,-]|DTLS|MOS|RTT|UDP/g, ''), key).toMatch(
          /^[A-Za-z]*$/,
        );
    });
  });
});

describe('message schema', () => {
  it('accepts what the checks write and refuses hostile nesting without walking it', () => {
    expect(v.is(MessageSchema, sample('headline_blocked_check'))).toBe(true);
    let deep: unknown = { key: 'stage_ice', args: [] };
    for (let i = 0; i < 100_000; i++) deep = { key: 'headline_blocked', args: [deep] };
    expect(v.is(MessageSchema, deep)).toBe(false);
    expect(v.is(MessageSchema, { key: 'a key with spaces', args: [] })).toBe(false);
    expect(v.is(MessageSchema, { key: 'sum_https_ok', args: Array.from({ length: 10 }, () => 1) })).toBe(
      false,
    );
  });
});
