/** User/administrator settings, validated wherever they enter: options page, storage, policy, command line. */
import * as v from 'valibot';
import { CHECKLIST } from '../checklist/items.ts';
import { type ArgsOf, type MessageKey, msg } from '../messages/catalog.ts';
import { type Message, MessageSchema } from '../messages/message.ts';
import { english } from '../messages/render.ts';
import { DEFAULT_PROFILE_ID, PROFILE_IDS } from '../profiles/index.ts';

/**
 * A validation problem as a message. valibot carries an issue's message as a string, so the message travels
 * there as its JSON and problemOf() reads it back: the options page shows it in the UI language, the command
 * line and policy reports in English.
 */
function problem<K extends MessageKey>(key: K, ...args: ArgsOf<K>): string {
  return JSON.stringify(msg(key, ...args));
}

/** The message of a validation issue; valibot's own messages (an unexpected shape) are kept as they are. */
export function problemOf(issue: { message: string }): Message {
  try {
    const parsed = v.safeParse(MessageSchema, JSON.parse(issue.message));
    if (parsed.success) return parsed.output;
  } catch {
    // not one of ours
  }
  return msg('options_err_other', issue.message);
}

const httpsUrl = v.pipe(
  v.string(problem('options_err_text')),
  v.trim(),
  v.maxLength(2048, problem('options_err_max_chars', 2048)),
  v.url(problem('options_err_url')),
  v.check((s) => s.startsWith('https://'), problem('options_err_https')),
);

/** A number within [min, max]; `integer` for whole seconds and days. The message names the range. */
function bounded(min: number, max: number, integer = false) {
  const range = integer
    ? problem('options_err_whole_between', min, max)
    : problem('options_err_between', min, max);
  return v.pipe(
    v.number(problem('options_err_number')),
    v.check((n) => !integer || Number.isInteger(n), range),
    v.minValue(min, range),
    v.maxValue(max, range),
  );
}

/** Limits a run is judged against ("good" below/above these); the checks read them from the settings. */
export const ThresholdsSchema = v.strictObject({
  /** Round trip to the relay at or below this is good. */
  rttGoodMs: v.optional(bounded(1, 2000), 100),
  /** Packet loss at or below this percentage is good. */
  lossGoodPercent: v.optional(bounded(0, 50), 1),
  /** Jitter at or below this is good. */
  jitterGoodMs: v.optional(bounded(1, 500), 30),
  /** MOS (E-model, 1 to 4.5) at or above this passes. */
  mosPass: v.optional(bounded(1, 4.5), 4.0),
});

/** What a shared report may include (read by the report-sharing feature; local reports always hold it all). */
export const ShareSchema = v.strictObject({
  /** false: addresses are redacted (203.0.113.x) in a shared report. */
  includeFullAddresses: v.optional(v.boolean(problem('options_err_bool')), false),
});

/** The checklist's periodic items and their built-in intervals, e.g. change-passwords → 90 days. */
export const DEFAULT_REPEAT_DAYS: Readonly<Record<string, number>> = Object.fromEntries(
  CHECKLIST.flatMap((item) => (item.repeatDays === undefined ? [] : [[item.id, item.repeatDays]])),
);

/** Monitor mode: a quick check on a schedule, with a notification when the verdict gets worse. */
export const MonitorSchema = v.strictObject({
  /** Off by default: checking on a schedule is the user's or the administrator's choice. */
  enabled: v.optional(v.boolean(problem('options_err_bool')), false),
  /** Minutes between scheduled checks (each wait varies by ±20 %). */
  intervalMinutes: v.optional(bounded(5, 1440, true), 30),
});

const RepeatDaysSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, problem('options_err_item_id'))),
    bounded(1, 365, true),
  ),
  v.check((r) => Object.keys(r).length <= 32, problem('options_err_max_items', 32)),
);

/** At most this many relays (regions) are compared in one run: each adds a few seconds of audio. */
export const MAX_RELAYS = 8;

/** One relay (region) to compare: its URL and the name the report shows for it, e.g. "Frankfurt". */
export const RelayEntrySchema = v.strictObject({
  name: v.optional(
    v.pipe(
      v.string(problem('options_err_text')),
      v.trim(),
      v.maxLength(40, problem('options_err_max_chars', 40)),
    ),
    '',
  ),
  url: httpsUrl,
});
export type RelayEntry = v.InferOutput<typeof RelayEntrySchema>;

export const SettingsSchema = v.strictObject({
  /** Base URL of the companion relay, e.g. https://relay.example.com:8443 */
  relayUrl: httpsUrl,
  /**
   * Relays (regions) to compare with relayUrl: each gets a short media sample after the check, and the run
   * recommends the one whose calls would sound best. The entry with relayUrl's URL only names it.
   */
  relays: v.optional(
    v.pipe(
      v.array(RelayEntrySchema, problem('options_err_relay_list')),
      v.maxLength(MAX_RELAYS, problem('options_err_max_relays', MAX_RELAYS)),
    ),
    [],
  ),
  /** Extra HTTPS endpoints whose reachability is checked (the provider's web and provisioning hosts). */
  targets: v.pipe(
    v.array(httpsUrl, problem('options_err_url_list')),
    v.maxLength(20, problem('options_err_max_urls', 20)),
  ),
  /** Which of the provider's port tables the firewall matrix probes. */
  profile: v.optional(
    v.picklist(PROFILE_IDS, problem('options_err_one_of', PROFILE_IDS.join(', '))),
    DEFAULT_PROFILE_ID,
  ),
  /** Seconds of audio in the quick check. */
  quickDurationS: v.optional(bounded(1, 10, true), 3),
  /** Seconds of audio in the extended check. */
  extendedDurationS: v.optional(bounded(10, 120, true), 30),
  thresholds: v.optional(ThresholdsSchema, {}),
  share: v.optional(ShareSchema, {}),
  monitor: v.optional(MonitorSchema, {}),
  /** Days after which a periodic checklist item is due again, by item id (overrides the item's own). */
  checklistRepeatDays: v.optional(RepeatDaysSchema, () => ({ ...DEFAULT_REPEAT_DAYS })),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;
export type SettingsInput = v.InferInput<typeof SettingsSchema>;
export type Thresholds = v.InferOutput<typeof ThresholdsSchema>;

export function parseSettings(raw: unknown): { ok: true; value: Settings } | { ok: false; error: string } {
  const r = v.safeParse(SettingsSchema, raw);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? 'settings';
  return { ok: false, error: `${path}: ${issue ? english(problemOf(issue)) : 'invalid'}` };
}

/** Every setting with its defaults, given the relay (which has no sensible built-in value outside a build). */
export function defaultSettings(relayUrl: string): Settings {
  return v.parse(SettingsSchema, { relayUrl, targets: [] });
}

/**
 * The units a setting is stored, managed and locked in: top-level keys, and each member of `thresholds` and
 * `share`, so an administrator can pin one threshold and leave the rest to the user.
 */
export const SETTING_FIELDS = [
  'relayUrl',
  'relays',
  'targets',
  'profile',
  'quickDurationS',
  'extendedDurationS',
  'thresholds.rttGoodMs',
  'thresholds.lossGoodPercent',
  'thresholds.jitterGoodMs',
  'thresholds.mosPass',
  'share.includeFullAddresses',
  'monitor.enabled',
  'monitor.intervalMinutes',
  'checklistRepeatDays',
] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

/** Members of these top-level keys are separate fields (see SETTING_FIELDS). */
export const GROUPS = { thresholds: ThresholdsSchema, share: ShareSchema, monitor: MonitorSchema } as const;

// biome-ignore lint/suspicious/noExplicitAny: valibot's schema union is generic over every schema kind.
type AnySchema = v.GenericSchema<any, any>;

/** The schema of one field, the same piece SettingsSchema uses, so every entry point validates alike. */
export function fieldSchema(field: SettingField): AnySchema {
  const [top, member] = field.split('.') as [string, string | undefined];
  if (member === undefined) return SettingsSchema.entries[top as keyof typeof SettingsSchema.entries];
  const group = GROUPS[top as keyof typeof GROUPS];
  return group.entries[member as keyof typeof group.entries];
}

/**
 * Validates one field's value; the problem is the first one, as shown next to the field (`error` is its
 * English, for logs and tests).
 */
export function parseField(
  field: SettingField,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; error: string; problem: Message } {
  const r = v.safeParse(fieldSchema(field), value);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const what = issue ? problemOf(issue) : msg('options_err_other', 'invalid');
  // Within a list, "item 2" reads better to an administrator than an index.
  const places = (issue?.path ?? []).map((p) =>
    typeof p.key === 'number' ? msg('options_item', p.key + 1) : String(p.key),
  );
  const at =
    places.length === 1 ? places[0] : places.map((p) => (typeof p === 'string' ? p : english(p))).join('.');
  const found = at ? msg('options_problem_at', at, what) : what;
  return { ok: false, error: english(found), problem: found };
}

/** The value of a field inside a settings-shaped object, or undefined when it or its group is absent. */
export function getField(obj: unknown, field: SettingField): unknown {
  let at: unknown = obj;
  for (const key of field.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A copy of `obj` with the field set (creating its group when needed). */
export function setField<T extends Record<string, unknown>>(obj: T, field: SettingField, value: unknown): T {
  const [top, member] = field.split('.') as [string, string | undefined];
  if (member === undefined) return { ...obj, [top]: value };
  const group = obj[top];
  const base = typeof group === 'object' && group !== null && !Array.isArray(group) ? group : {};
  return { ...obj, [top]: { ...base, [member]: value } };
}

/** The relay's WSS URL derived from its HTTPS base. */
export function wssUrlFor(relayUrl: string): string {
  const u = new URL(relayUrl);
  u.protocol = 'wss:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/ws`;
  u.search = '';
  return u.toString();
}

export function probeUrlFor(relayUrl: string): string {
  const u = new URL(relayUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/probe`;
  u.search = '';
  return u.toString();
}
