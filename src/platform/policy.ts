/**
 * Enterprise policy: an administrator sets settings through storage.managed (Chrome: the 3rdparty extension
 * policy, checked against policy/managed-schema.json; Firefox: policies.json "3rdparty", not checked by the
 * browser). Policy values win over the user's and lock their fields. Every value is validated here with the same
 * schema pieces as the options page, because Firefox hands over whatever the policy file holds.
 */

import * as v from 'valibot';
import { msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import {
  GROUPS,
  getField,
  parseField,
  SETTING_FIELDS,
  type SettingField,
  type Settings,
  SettingsSchema,
  setField,
} from '../protocol/settings.ts';

/** The one policy key that is not a setting: false locks every field to the policy's value or the default. */
export const ALLOW_USER_OVERRIDE = 'allowUserOverride';

export interface IgnoredPolicyValue {
  /** The policy key, dotted for members of a group, e.g. thresholds.mosPass. */
  key: string;
  /** Why it was ignored, e.g. "must start with https://". */
  reason: Message;
}

export interface SettingsState {
  /** What a run uses: defaults, then the user's values, then the policy's. */
  settings: Settings;
  /** Fields the user cannot change, in SETTING_FIELDS order. */
  locked: SettingField[];
  ignored: IgnoredPolicyValue[];
  /** Whether the policy leaves any field to the user (the allowUserOverride key, default true). */
  allowUserOverride: boolean;
}

export const ignoredText = (i: IgnoredPolicyValue): string => `Policy value ignored: ${i.key}`;

/** What the options page needs of storage.managed; `api.storage.managed` satisfies it. */
export interface ManagedArea {
  get(): Promise<Record<string, unknown>>;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The policy in force, or {} when there is none. Chrome answers {} without a policy; Firefox rejects ("Managed
 * storage manifest not found") and some browsers have no managed area at all: all of those mean no policy.
 */
export async function readManagedPolicy(area: ManagedArea | undefined): Promise<Record<string, unknown>> {
  if (!area) return {};
  try {
    const got = await area.get();
    return isRecord(got) ? got : {};
  } catch {
    return {};
  }
}

/** Policy keys that name no setting, and group members that are not settings, reported rather than dropped. */
function unknownKeys(managed: Record<string, unknown>): IgnoredPolicyValue[] {
  const out: IgnoredPolicyValue[] = [];
  for (const [key, value] of Object.entries(managed)) {
    if (key === ALLOW_USER_OVERRIDE) continue;
    if (!(key in SettingsSchema.entries)) {
      out.push({ key, reason: msg('options_err_not_setting') });
      continue;
    }
    const group = GROUPS[key as keyof typeof GROUPS];
    if (!group || value === undefined) continue;
    if (!isRecord(value)) {
      out.push({ key, reason: msg('options_err_object') });
      continue;
    }
    for (const member of Object.keys(value)) {
      if (!(member in group.entries))
        out.push({ key: `${key}.${member}`, reason: msg('options_err_not_setting') });
    }
  }
  return out;
}

/**
 * Effective settings = defaults ← user ← managed, field by field. Pure: the inputs are whatever storage held.
 * An invalid user value falls back to the default (one bad field never resets the rest); an invalid policy value
 * is ignored, reported, and leaves the field to the user.
 */
export function effectiveSettings(defaults: Settings, user: unknown, managed: unknown): SettingsState {
  const policy = isRecord(managed) ? managed : {};
  const ignored = unknownKeys(policy);
  let allowUserOverride = true;
  if (ALLOW_USER_OVERRIDE in policy) {
    const allow = policy[ALLOW_USER_OVERRIDE];
    if (typeof allow === 'boolean') allowUserOverride = allow;
    else ignored.push({ key: ALLOW_USER_OVERRIDE, reason: msg('options_err_bool') });
  }

  let settings: Record<string, unknown> = structuredClone(defaults);
  const locked: SettingField[] = [];
  for (const field of SETTING_FIELDS) {
    const own = getField(user, field);
    if (allowUserOverride && own !== undefined) {
      const r = parseField(field, own);
      if (r.ok) settings = setField(settings, field, r.value);
    }
    const set = getField(policy, field);
    if (set === undefined) {
      if (!allowUserOverride) locked.push(field);
      continue;
    }
    const r = parseField(field, set);
    if (r.ok) {
      settings = setField(settings, field, r.value);
      locked.push(field);
    } else {
      ignored.push({ key: field, reason: r.problem });
      if (!allowUserOverride) locked.push(field);
    }
  }
  // Each field was validated on its own; parsing the whole keeps the Settings type honest.
  return { settings: v.parse(SettingsSchema, settings), locked, ignored, allowUserOverride };
}
