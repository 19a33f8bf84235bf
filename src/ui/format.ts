/** Small display helpers shared by the pages, in the UI language (src/platform/i18n.ts). */
import type { CheckStatus } from '../checks/types.ts';
import type { PlainMessageKey } from '../messages/catalog.ts';
import { t } from '../platform/i18n.ts';
import type { Verdict } from '../protocol/report.ts';
import { localDateTime } from './check-text.ts';

/** Status as icon and word; the words are read when used, so they follow the UI language. */
export const STATUS_LABEL: Record<CheckStatus, { icon: string; word: string }> = {
  pass: {
    icon: '✓',
    get word() {
      return t('status_pass');
    },
  },
  warn: {
    icon: '!',
    get word() {
      return t('status_warn');
    },
  },
  fail: {
    icon: '✕',
    get word() {
      return t('status_fail');
    },
  },
  skip: {
    icon: '–',
    get word() {
      return t('status_skip');
    },
  },
  error: {
    icon: '?',
    get word() {
      return t('status_error');
    },
  },
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  get ready() {
    return t('verdict_ready');
  },
  get degraded() {
    return t('verdict_degraded');
  },
  get blocked() {
    return t('verdict_blocked');
  },
  get error() {
    return t('verdict_error');
  },
};

/** "Checked just now", "Checked 5 min ago", "Checked 2 h ago", or "Checked <date and time>". */
export function checkedText(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return t('verdict_checked_just_now');
  if (s < 3600) return t('verdict_checked_minutes', Math.round(s / 60));
  if (s < 86_400) return t('verdict_checked_hours', Math.round(s / 3600));
  return t('verdict_checked_at', localDateTime(iso));
}

/** Evidence values as short text; objects are flattened one level, anything deeper is shown as JSON. */
export function evidenceRows(data: Record<string, unknown>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(data)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>))
        rows.push([`${k}.${k2}`, shortValue(v2)]);
    } else rows.push([k, shortValue(v)]);
  }
  return rows;
}

function shortValue(v: unknown): string {
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.join(', ');
  // String() would print "[object Object]".
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** 'YYYY-MM-DD' of an ISO time, for file names; the raw prefix when the time does not parse. */
export function isoDay(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : new Date(t).toISOString().slice(0, 10);
}

const PROFILE_KEYS: Record<string, PlainMessageKey> = {
  'desk-phone': 'profile_desk_phone',
  'mobile-app': 'profile_mobile_app',
  'desktop-app': 'profile_desktop_app',
  meetings: 'profile_meetings',
};

/** A port profile's name in the UI language; `fallback` (its English name or id) for one this build lacks. */
export function profileName(id: string, fallback: string): string {
  const key = PROFILE_KEYS[id];
  return key ? t(key) : fallback;
}
