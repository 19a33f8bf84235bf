/**
 * The options form as data: which inputs there are, how a stored value becomes input text and back, and which
 * problem to show next to which input. Pure, so the mapping is tested without a DOM.
 */
import * as v from 'valibot';
import { CHECKLIST } from '../src/checklist/items.ts';
import { PROFILES } from '../src/profiles/index.ts';
import {
  DEFAULT_REPEAT_DAYS,
  type SettingField,
  type Settings,
  SettingsSchema,
} from '../src/protocol/settings.ts';

export type InputKind = 'url' | 'lines' | 'select' | 'number' | 'checkbox';

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

const repeatInputs: InputDef[] = Object.keys(DEFAULT_REPEAT_DAYS).map((itemId) => ({
  id: `repeat-${itemId}`,
  field: 'checklistRepeatDays',
  path: `checklistRepeatDays.${itemId}`,
  label: `${CHECKLIST.find((i) => i.id === itemId)?.title.replace(/\.$/, '') ?? itemId} (days)`,
  hint: `Due again this many days after you tick it, 1 to 365 (default ${DEFAULT_REPEAT_DAYS[itemId]}).`,
  kind: 'number',
  min: 1,
  max: 365,
  step: 1,
}));

export const GROUPS: readonly GroupDef[] = [
  {
    id: 'relay',
    legend: 'Relay and targets',
    inputs: [
      {
        id: 'relay-url',
        field: 'relayUrl',
        path: 'relayUrl',
        label: 'Relay URL',
        hint: 'The companion relay the checks run against, e.g. https://relay.example.com:8443',
        kind: 'url',
      },
      {
        id: 'targets',
        field: 'targets',
        path: 'targets',
        label: 'Extra HTTPS targets (one per line)',
        hint: "Your provider's web and provisioning hosts, checked for reachability. Up to 20, each https://",
        kind: 'lines',
      },
    ],
  },
  {
    id: 'ports',
    legend: 'Firewall check',
    inputs: [
      {
        id: 'profile',
        field: 'profile',
        path: 'profile',
        label: 'Profile',
        hint: "Which of the provider's port tables the firewall check probes.",
        kind: 'select',
        options: PROFILES.map((p) => ({ value: p.id, label: p.name })),
      },
    ],
  },
  {
    id: 'durations',
    legend: 'Audio loopback',
    inputs: [
      {
        id: 'quick-duration',
        field: 'quickDurationS',
        path: 'quickDurationS',
        label: 'Quick check (seconds)',
        hint: 'Seconds of audio in the quick check, 1 to 10 (default 3).',
        kind: 'number',
        min: 1,
        max: 10,
        step: 1,
      },
      {
        id: 'extended-duration',
        field: 'extendedDurationS',
        path: 'extendedDurationS',
        label: 'Extended check (seconds)',
        hint: 'Seconds of audio in the extended check, 10 to 120 (default 30).',
        kind: 'number',
        min: 10,
        max: 120,
        step: 1,
      },
    ],
  },
  {
    id: 'thresholds',
    legend: 'What counts as good',
    inputs: [
      {
        id: 'rtt-good',
        field: 'thresholds.rttGoodMs',
        path: 'thresholds.rttGoodMs',
        label: 'Round trip, at most (ms)',
        hint: '1 to 2000 (default 100).',
        kind: 'number',
        min: 1,
        max: 2000,
        step: 1,
      },
      {
        id: 'loss-good',
        field: 'thresholds.lossGoodPercent',
        path: 'thresholds.lossGoodPercent',
        label: 'Packet loss, at most (%)',
        hint: '0 to 50 (default 1).',
        kind: 'number',
        min: 0,
        max: 50,
        step: 0.1,
      },
      {
        id: 'jitter-good',
        field: 'thresholds.jitterGoodMs',
        path: 'thresholds.jitterGoodMs',
        label: 'Jitter, at most (ms)',
        hint: '1 to 500 (default 30).',
        kind: 'number',
        min: 1,
        max: 500,
        step: 1,
      },
      {
        id: 'mos-pass',
        field: 'thresholds.mosPass',
        path: 'thresholds.mosPass',
        label: 'Call quality (MOS), at least',
        hint: '1 to 4.5 (default 4.0). 4.0 and above is what most callers call good.',
        kind: 'number',
        min: 1,
        max: 4.5,
        step: 0.1,
      },
    ],
  },
  {
    id: 'share',
    legend: 'What a shared report may include',
    inputs: [
      {
        id: 'share-full-addresses',
        field: 'share.includeFullAddresses',
        path: 'share.includeFullAddresses',
        label: 'Full IP addresses',
        hint: 'Off: addresses are shortened (203.0.113.x) so the report does not identify this network.',
        kind: 'checkbox',
      },
      {
        id: 'share-checklist',
        field: 'share.includeChecklist',
        path: 'share.includeChecklist',
        label: 'The security checklist and what was ticked',
        hint: 'Reports you keep on this computer always hold everything.',
        kind: 'checkbox',
      },
    ],
  },
  { id: 'checklist', legend: 'Checklist reminders', inputs: repeatInputs },
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

function fromDraftValue(input: InputDef, raw: string | boolean | undefined): unknown {
  switch (input.kind) {
    case 'checkbox':
      return raw === true;
    case 'lines':
      return String(raw ?? '')
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean);
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
    const line = input.kind === 'lines' && keys[1] !== undefined ? `Line ${Number(keys[1]) + 1}: ` : '';
    errors[input.id] = `${line}${line ? issue.message : capitalise(issue.message)}`;
  }
  return { ok: false, errors };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
