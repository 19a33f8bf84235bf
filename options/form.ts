/**
 * The options form as data: which inputs there are, how a stored value becomes input text and back, and which
 * problem to show next to which input. Pure, so the mapping is tested without a DOM.
 */
import * as v from 'valibot';
import { CHECKLIST } from '../src/checklist/items.ts';
import { msg } from '../src/messages/catalog.ts';
import type { PlainLabelKey } from '../src/messages/labels.ts';
import { t } from '../src/platform/i18n.ts';
import { PROFILES } from '../src/profiles/index.ts';
import {
  DEFAULT_REPEAT_DAYS,
  problemOf,
  type RelayEntry,
  type SettingField,
  type Settings,
  SettingsSchema,
} from '../src/protocol/settings.ts';
import { say } from '../src/ui/check-text.ts';
import { itemTitle } from '../src/ui/checklist-text.ts';
import { profileName } from '../src/ui/format.ts';

export type InputKind = 'url' | 'lines' | 'relays' | 'select' | 'number' | 'checkbox';

export interface InputDef {
  /** DOM id, and the key of the draft. */
  id: string;
  /** The unit the policy locks. */
  field: SettingField;
  /** Where the value sits in Settings, e.g. thresholds.mosPass or checklistRepeatDays.review-usage. */
  path: string;
  label: string;
  hint: string;
  kind: InputKind;
  min?: number;
  max?: number;
  step?: number;
  options?: readonly { value: string; label: string }[];
}

export interface GroupDef {
  id: string;
  legend: string;
  inputs: InputDef[];
}

/*
 * Labels, hints and legends are getters, so they are read in the UI language when the page renders (and a
 * test that switches the language sees it).
 */

const repeatInputs: InputDef[] = Object.keys(DEFAULT_REPEAT_DAYS).map((itemId) => ({
  id: `repeat-${itemId}`,
  field: 'checklistRepeatDays',
  path: `checklistRepeatDays.${itemId}`,
  get label() {
    const item = CHECKLIST.find((i) => i.id === itemId);
    return t('options_repeat_label', item ? itemTitle(item).replace(/\.$/, '') : itemId);
  },
  get hint() {
    return t('options_repeat_hint', DEFAULT_REPEAT_DAYS[itemId] ?? '');
  },
  kind: 'number',
  min: 1,
  max: 365,
  step: 1,
}));

/** An input whose label and hint are messages. */
function input(
  def: Omit<InputDef, 'label' | 'hint' | 'options'>,
  labelKey: PlainLabelKey,
  hintKey: PlainLabelKey,
  options?: () => InputDef['options'],
): InputDef {
  const out: InputDef = {
    ...def,
    get label() {
      return t(labelKey);
    },
    get hint() {
      return t(hintKey);
    },
  };
  if (options) Object.defineProperty(out, 'options', { get: options, enumerable: true });
  return out;
}

function groupOf(id: string, legendKey: PlainLabelKey, inputs: InputDef[]): GroupDef {
  return {
    id,
    get legend() {
      return t(legendKey);
    },
    inputs,
  };
}

export const GROUPS: readonly GroupDef[] = [
  groupOf('relay', 'options_group_relay', [
    input(
      { id: 'relay-url', field: 'relayUrl', path: 'relayUrl', kind: 'url' },
      'options_relay_url',
      'options_relay_url_hint',
    ),
    input(
      { id: 'relays', field: 'relays', path: 'relays', kind: 'relays' },
      'options_relays',
      'options_relays_hint',
    ),
    input(
      { id: 'targets', field: 'targets', path: 'targets', kind: 'lines' },
      'options_targets',
      'options_targets_hint',
    ),
  ]),
  groupOf('ports', 'options_group_ports', [
    input(
      { id: 'profile', field: 'profile', path: 'profile', kind: 'select' },
      'options_profile',
      'options_profile_hint',
      () => PROFILES.map((p) => ({ value: p.id, label: profileName(p.id, p.name) })),
    ),
  ]),
  groupOf('durations', 'options_group_durations', [
    input(
      {
        id: 'quick-duration',
        field: 'quickDurationS',
        path: 'quickDurationS',
        kind: 'number',
        min: 1,
        max: 10,
        step: 1,
      },
      'options_quick_duration',
      'options_quick_duration_hint',
    ),
    input(
      {
        id: 'extended-duration',
        field: 'extendedDurationS',
        path: 'extendedDurationS',
        kind: 'number',
        min: 10,
        max: 120,
        step: 1,
      },
      'options_extended_duration',
      'options_extended_duration_hint',
    ),
  ]),
  groupOf('thresholds', 'options_group_thresholds', [
    input(
      {
        id: 'rtt-good',
        field: 'thresholds.rttGoodMs',
        path: 'thresholds.rttGoodMs',
        kind: 'number',
        min: 1,
        max: 2000,
        step: 1,
      },
      'options_rtt_good',
      'options_rtt_good_hint',
    ),
    input(
      {
        id: 'loss-good',
        field: 'thresholds.lossGoodPercent',
        path: 'thresholds.lossGoodPercent',
        kind: 'number',
        min: 0,
        max: 50,
        step: 0.1,
      },
      'options_loss_good',
      'options_loss_good_hint',
    ),
    input(
      {
        id: 'jitter-good',
        field: 'thresholds.jitterGoodMs',
        path: 'thresholds.jitterGoodMs',
        kind: 'number',
        min: 1,
        max: 500,
        step: 1,
      },
      'options_jitter_good',
      'options_jitter_good_hint',
    ),
    input(
      {
        id: 'mos-pass',
        field: 'thresholds.mosPass',
        path: 'thresholds.mosPass',
        kind: 'number',
        min: 1,
        max: 4.5,
        step: 0.1,
      },
      'options_mos_pass',
      'options_mos_pass_hint',
    ),
  ]),
  groupOf('share', 'options_group_share', [
    input(
      {
        id: 'share-full-addresses',
        field: 'share.includeFullAddresses',
        path: 'share.includeFullAddresses',
        kind: 'checkbox',
      },
      'options_share_full_addresses',
      'options_share_full_addresses_hint',
    ),
  ]),
  groupOf('monitor', 'options_group_monitor', [
    input(
      { id: 'monitor-enabled', field: 'monitor.enabled', path: 'monitor.enabled', kind: 'checkbox' },
      'options_monitor_enabled',
      'options_monitor_enabled_hint',
    ),
    input(
      {
        id: 'monitor-interval',
        field: 'monitor.intervalMinutes',
        path: 'monitor.intervalMinutes',
        kind: 'number',
        min: 5,
        max: 1440,
        step: 1,
      },
      'options_monitor_interval',
      'options_monitor_interval_hint',
    ),
  ]),
  groupOf('checklist', 'options_group_checklist', repeatInputs),
];

export const INPUTS: readonly InputDef[] = GROUPS.flatMap((g) => g.inputs);

export type Draft = Record<string, string | boolean>;

function getPath(obj: unknown, path: string): unknown {
  let at = obj;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const [top, member] = path.split('.') as [string, string | undefined];
  if (member === undefined) obj[top] = value;
  else obj[top] = { ...(obj[top] as Record<string, unknown>), [member]: value };
}

/** The text (or tick) an input shows for a settings value. */
export function toDraftValue(input: InputDef, settings: Settings): string | boolean {
  const value = getPath(settings, input.path);
  switch (input.kind) {
    case 'checkbox':
      return value === true;
    case 'lines':
      return Array.isArray(value) ? value.join('\n') : '';
    case 'relays':
      return Array.isArray(value) ? (value as RelayEntry[]).map(relayLine).join('\n') : '';
    case 'number': {
      // A repeat interval left out of the record still shows the item's built-in one.
      const fallback =
        input.field === 'checklistRepeatDays'
          ? getPath(DEFAULT_REPEAT_DAYS, input.path.split('.')[1] ?? '')
          : undefined;
      const n = typeof value === 'number' ? value : fallback;
      if (typeof n !== 'number') return '';
      // A decimal field shows its decimal, e.g. MOS 4.0 rather than 4.
      return input.step !== undefined && input.step < 1 && Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
    default:
      return typeof value === 'string' ? value : '';
  }
}

export function draftFrom(settings: Settings): Draft {
  return Object.fromEntries(INPUTS.map((i) => [i.id, toDraftValue(i, settings)]));
}

const linesOf = (raw: string | boolean | undefined): string[] =>
  String(raw ?? '')
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);

/** A relay as one line of its box: "Frankfurt https://fra.relay.example.com:8443" (the URL alone without a name). */
const relayLine = (r: RelayEntry) => (r.name ? `${r.name} ${r.url}` : r.url);

/** A line of the relays box: the last word is the URL, what comes before it the name. */
function relayEntryOf(line: string): { name: string; url: string } {
  const at = line.search(/\S+$/);
  return { name: line.slice(0, at).trim(), url: line.slice(at) };
}

function fromDraftValue(input: InputDef, raw: string | boolean | undefined): unknown {
  switch (input.kind) {
    case 'checkbox':
      return raw === true;
    case 'lines':
      return linesOf(raw);
    case 'relays':
      return linesOf(raw).map(relayEntryOf);
    case 'number': {
      const text = String(raw ?? '').trim();
      // Number('') is 0; an empty box must be reported, not saved as zero.
      return text === '' ? Number.NaN : Number(text);
    }
    default:
      return String(raw ?? '');
  }
}

/**
 * The settings the form describes: `base` (the effective settings) with every input's value on top, validated.
 * On failure, the first problem of each input, keyed by input id.
 */
export function settingsFromDraft(
  base: Settings,
  draft: Draft,
): { ok: true; value: Settings } | { ok: false; errors: Record<string, string> } {
  const candidate: Record<string, unknown> = structuredClone(base);
  for (const input of INPUTS) setPath(candidate, input.path, fromDraftValue(input, draft[input.id]));
  const r = v.safeParse(SettingsSchema, candidate);
  if (r.success) return { ok: true, value: r.output };
  const errors: Record<string, string> = {};
  for (const issue of r.issues) {
    const keys = issue.path?.map((p) => String(p.key)) ?? [];
    const input =
      INPUTS.find((i) => i.path === keys.slice(0, 2).join('.')) ?? INPUTS.find((i) => i.path === keys[0]);
    if (!input || input.id in errors) continue;
    const problem = problemOf(issue);
    errors[input.id] =
      (input.kind === 'lines' || input.kind === 'relays') && keys[1] !== undefined
        ? say(msg('options_line_problem', Number(keys[1]) + 1, problem))
        : capitalise(say(problem));
  }
  return { ok: false, errors };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
