/**
 * policy/managed-schema.json against Chrome's rules for a managed_schema (an invalid one stops the extension
 * from loading) and against the settings schema, so a setting is never missing from, or typed differently in,
 * the policy an administrator can set.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOW_USER_OVERRIDE, effectiveSettings } from '../../../src/platform/policy.ts';
import { PROFILE_IDS } from '../../../src/profiles/index.ts';
import {
  defaultSettings,
  fieldSchema,
  GROUPS,
  SETTING_FIELDS,
  SettingsSchema,
} from '../../../src/protocol/settings.ts';

type Node = Record<string, unknown>;
const schema = JSON.parse(
  readFileSync(new URL('../../../policy/managed-schema.json', import.meta.url), 'utf8'),
) as Node;

const TYPES = ['boolean', 'integer', 'number', 'string', 'array', 'object'];
// The attributes Chrome's policy schema parser knows; anything else is a typo that silently does nothing.
const KNOWN = new Set([
  'type',
  '$ref',
  'id',
  'title',
  'description',
  'properties',
  'additionalProperties',
  'patternProperties',
  'items',
  'enum',
  'minimum',
  'maximum',
  'pattern',
  'required',
  'sensitiveValue',
]);

/** Chrome's rules, node by node; returns the problems found, with where. */
function chromeProblems(node: Node, at: string): string[] {
  const out: string[] = [];
  const hasType = 'type' in node;
  if (hasType === '$ref' in node) out.push(`${at}: needs exactly one of "type" and "$ref"`);
  for (const k of Object.keys(node)) if (!KNOWN.has(k)) out.push(`${at}: unknown attribute "${k}"`);
  const type = node.type as string;
  if (hasType && !TYPES.includes(type)) out.push(`${at}: unknown type "${type}"`);
  if (('minimum' in node || 'maximum' in node) && type !== 'integer')
    out.push(`${at}: minimum/maximum only apply to integers`);
  if ('enum' in node) {
    const values = node.enum as unknown[];
    if (!Array.isArray(values) || values.length === 0) out.push(`${at}: enum must list values`);
    else if (!values.every((x) => typeof x === (type === 'integer' ? 'number' : type)))
      out.push(`${at}: enum values must be of type ${type}`);
  }
  if (type === 'array') {
    if (typeof node.items !== 'object') out.push(`${at}: an array needs "items"`);
    else out.push(...chromeProblems(node.items as Node, `${at}[]`));
  }
  if (type === 'object') {
    for (const [k, child] of Object.entries((node.properties as Record<string, Node>) ?? {}))
      out.push(...chromeProblems(child, `${at}.${k}`));
    if (typeof node.additionalProperties === 'object')
      out.push(...chromeProblems(node.additionalProperties as Node, `${at}.*`));
  } else if ('properties' in node || 'additionalProperties' in node) {
    out.push(`${at}: properties on a non-object`);
  }
  return out;
}

/** Whether a value is what the schema allows (types, enum, integer ranges): what Chrome exposes. */
function conforms(node: Node, value: unknown): boolean {
  switch (node.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (!node.enum || (node.enum as unknown[]).includes(value));
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return (
        Number.isInteger(value) &&
        (node.minimum === undefined || (value as number) >= (node.minimum as number)) &&
        (node.maximum === undefined || (value as number) <= (node.maximum as number))
      );
    case 'array':
      return Array.isArray(value) && value.every((x) => conforms(node.items as Node, x));
    case 'object': {
      if (typeof value !== 'object' || value === null) return false;
      const props = (node.properties as Record<string, Node>) ?? {};
      return Object.entries(value).every(([k, x]) => {
        const child = props[k] ?? (node.additionalProperties as Node | undefined);
        return child !== undefined && conforms(child, x);
      });
    }
    default:
      return false;
  }
}

/** The [min, max] a valibot field enforces, read from its pipe. */
function bounds(field: (typeof SETTING_FIELDS)[number] | 'repeat'): [number, number] {
  type Pipe = { pipe?: { type: string; requirement?: unknown }[]; wrapped?: Pipe; value?: Pipe };
  let s = (field === 'repeat' ? fieldSchema('checklistRepeatDays') : fieldSchema(field)) as unknown as Pipe;
  if (s.wrapped) s = s.wrapped;
  if (field === 'repeat') s = (s.pipe?.[0] as Pipe | undefined)?.value as Pipe;
  const req = (t: string) => s.pipe?.find((a) => a.type === t)?.requirement as number;
  return [req('min_value'), req('max_value')];
}

const props = schema.properties as Record<string, Node>;

describe('managed-schema.json', () => {
  it('follows Chrome’s rules: top-level object, no top-level additionalProperties, one type per schema', () => {
    expect(schema.type).toBe('object');
    expect(schema).not.toHaveProperty('additionalProperties');
    expect(chromeProblems(schema, 'schema')).toEqual([]);
  });

  it('catches what Chrome would refuse (the checker itself works)', () => {
    expect(chromeProblems({ type: 'object', properties: { a: { title: 'x' } } }, 's')).toEqual([
      's.a: needs exactly one of "type" and "$ref"',
    ]);
    expect(chromeProblems({ type: 'number', minimum: 1 }, 's')).toEqual([
      's: minimum/maximum only apply to integers',
    ]);
  });

  it('covers every setting plus allowUserOverride, and every member of the groups', () => {
    expect(Object.keys(props).sort()).toEqual(
      [...Object.keys(SettingsSchema.entries), ALLOW_USER_OVERRIDE].sort(),
    );
    for (const [name, group] of Object.entries(GROUPS)) {
      expect(Object.keys(props[name]?.properties as Node).sort(), name).toEqual(
        Object.keys(group.entries).sort(),
      );
    }
    expect(props.allowUserOverride?.type).toBe('boolean');
  });

  it('has the same profiles and integer ranges as the settings schema', () => {
    expect(props.profile?.enum).toEqual([...PROFILE_IDS]);
    for (const key of ['quickDurationS', 'extendedDurationS'] as const) {
      expect([props[key]?.minimum, props[key]?.maximum], key).toEqual(bounds(key));
    }
    const perItem = props.checklistRepeatDays?.additionalProperties as Node;
    expect([perItem.minimum, perItem.maximum]).toEqual(bounds('repeat'));
  });

  it('accepts the defaults, and what it accepts the extension takes in full', () => {
    const policy = { ...defaultSettings('https://relay.example.com'), allowUserOverride: true };
    expect(conforms(schema, policy)).toBe(true);
    const state = effectiveSettings(defaultSettings('https://other.example'), undefined, policy);
    expect(state.ignored).toEqual([]);
    expect(state.locked).toEqual([...SETTING_FIELDS]);
    expect(state.settings.relayUrl).toBe('https://relay.example.com');
  });

  it('types every setting as the settings schema does', () => {
    expect(conforms(schema, { quickDurationS: 2.5 })).toBe(false);
    expect(conforms(schema, { profile: 'fax' })).toBe(false);
    expect(conforms(schema, { thresholds: { mosPass: '4' } })).toBe(false);
    expect(conforms(schema, { targets: ['https://a.example', 5] })).toBe(false);
    expect(conforms(schema, { checklistRepeatDays: { 'review-usage': 0 } })).toBe(false);
  });
});
