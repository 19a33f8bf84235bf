/**
 * Check titles, check summaries and the verdict headline in the UI language.
 *
 * The checks write their results in English (src/checks/**): that text is canonical, for support staff and the
 * command line. The pages translate it here. Every summary the checks can produce has a message whose
 * English text is exactly the check's template, with $1..$9 where the check puts a value (a host, a time, a
 * TLS version, the media figures, a list of ports). A summary is matched against the English message of its
 * reason code, which gives those values back exactly as the check wrote them, and the message is then shown in
 * the UI language with the values localized by kind (numbers, dates, nested phrases such as "the ice stage"
 * or the MOS band).
 *
 * The values come from the summary rather than from check.data because not all of them are stored anywhere
 * else (the stage's "why", a relay's "when", the quality limits, a media host), and because the report page
 * shows media and ports in their own sections and hands CheckRow checks without that evidence. Matching the
 * canonical English also means that, in English, the output is the check's own text, character for character,
 * and that a check whose wording changed, or a reason code this build does not know, shows the English
 * summary rather than a stale translation.
 */
import type { CheckResult } from '../checks/types.ts';
import { fallbackMessage, t } from '../platform/i18n.ts';
import type { Report } from '../protocol/report.ts';

// ---------------------------------------------------------------------------------------------------------
// Formatting in the language of the messages

/**
 * The language tag of the messages the browser picked ('en' when it fell back to English): numbers and dates
 * follow the words around them, not the operating system.
 */
export function messageLocale(): string {
  return t('localeTag') || 'en';
}

const isEnglish = () => /^en\b/i.test(messageLocale());

/**
 * A number as the check wrote it ("1.4", "1500"), in the messages' language ("1,4" in German). English keeps
 * the check's own spelling; anything that is not a plain number ("?") is left alone.
 */
export function localNumber(value: string | number): string {
  const text = String(value);
  if (isEnglish() || !/^-?\d+(\.\d+)?$/.test(text)) return text;
  const decimals = text.split('.')[1]?.length ?? 0;
  return new Intl.NumberFormat(messageLocale(), {
    useGrouping: false,
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(Number(text));
}

/** A 'YYYY-MM-DD' day as the checklist writes it; other languages get their own date format. */
export function localDay(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (isEnglish() || !/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) return day;
  return new Date(ms).toLocaleDateString(messageLocale(), { timeZone: 'UTC' });
}

/** Date and time of an ISO timestamp (English keeps the browser's default format, as before). */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  return isEnglish() ? d.toLocaleString() : d.toLocaleString(messageLocale());
}

/** Date of an ISO timestamp. */
export function localDate(iso: string): string {
  const d = new Date(iso);
  return isEnglish() ? d.toLocaleDateString() : d.toLocaleDateString(messageLocale());
}

// ---------------------------------------------------------------------------------------------------------
// Messages as templates

/** How a $n value is localized: kept as is, a number, a day, or one of a group of nested phrases. */
export type Kind = 'text' | 'num' | 'day' | PhraseGroup;

export interface Phrase {
  /** Message key; its English text is the template. */
  key: string;
  /** Kind of $1, $2, …; 'text' when left out. */
  kinds?: readonly Kind[];
}

/** Phrases that can stand in one place. A value that matches none is kept in English. */
export interface PhraseGroup {
  phrases: readonly Phrase[];
}

const group = (...phrases: Array<Phrase | string>): PhraseGroup => ({
  phrases: phrases.map((p) => (typeof p === 'string' ? { key: p } : p)),
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The English text of a message, $n left in. */
const english = (key: string) => fallbackMessage(key);

function kindPattern(kind: Kind): string {
  if (kind === 'text') return '[\\s\\S]+?';
  if (kind === 'num') return '-?\\d+(?:\\.\\d+)?|\\?';
  if (kind === 'day') return '\\d{4}-\\d{2}-\\d{2}';
  return [...kind.phrases.map((p) => templateSource(p, false)), '[\\s\\S]+?'].join('|');
}

/** The English template as a regular expression; `capture` names the top level's values p1, p2, …. */
function templateSource(phrase: Phrase, capture: boolean): string {
  const text = english(phrase.key);
  const seen = new Set<string>();
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/\$(\d)/g)) {
    const n = m[1] as string;
    out += escapeRe(text.slice(last, m.index));
    last = m.index + m[0].length;
    const pattern = kindPattern(phrase.kinds?.[Number(n) - 1] ?? 'text');
    if (!capture) out += `(?:${pattern})`;
    else out += seen.has(n) ? `\\k<p${n}>` : `(?<p${n}>${pattern})`;
    seen.add(n);
  }
  return out + escapeRe(text.slice(last));
}

// By phrase, not key: the same message may be matched with different kinds of values.
const compiled = new WeakMap<Phrase, { re: RegExp; count: number }>();

/** The values of `text` if it is this phrase's English, else null. */
export function matchPhrase(phrase: Phrase, text: string): string[] | null {
  let c = compiled.get(phrase);
  if (!c) {
    const numbers = [...english(phrase.key).matchAll(/\$(\d)/g)].map((m) => Number(m[1]));
    c = { re: new RegExp(`^(?:${templateSource(phrase, true)})$`), count: Math.max(0, ...numbers) };
    compiled.set(phrase, c);
  }
  const m = c.re.exec(text);
  if (!m) return null;
  return Array.from({ length: c.count }, (_, i) => m.groups?.[`p${i + 1}`] ?? '');
}

function localizeValue(kind: Kind, value: string): string {
  if (kind === 'text') return value;
  if (kind === 'num') return localNumber(value);
  if (kind === 'day') return localDay(value);
  return localizeIn(kind, value);
}

/** The phrase in the UI language with the English values it was matched with. */
export function renderPhrase(phrase: Phrase, values: readonly string[]): string {
  return t(phrase.key, ...values.map((v, i) => localizeValue(phrase.kinds?.[i] ?? 'text', v)));
}

/** English text from one of the group's phrases, in the UI language; unchanged when none matches. */
export function localizeIn(g: PhraseGroup, text: string): string {
  for (const phrase of g.phrases) {
    const values = matchPhrase(phrase, text);
    if (values) return renderPhrase(phrase, values);
  }
  return text;
}

/**
 * English made of whole sentences from the group, joined by single spaces (the NAT summary), sentence by
 * sentence; unchanged when any part is unknown.
 */
export function localizeSentences(g: PhraseGroup, text: string): string {
  const out: string[] = [];
  let rest = text;
  while (rest !== '') {
    const phrase = g.phrases.find((p) => {
      const en = english(p.key);
      return rest === en || rest.startsWith(`${en} `);
    });
    if (!phrase) return text;
    out.push(t(phrase.key));
    rest = rest.slice(english(phrase.key).length).replace(/^ /, '');
  }
  return out.join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// Check titles

const TITLE_BY_ID: Record<string, Phrase> = {
  'relay-https': { key: 'title_relay_https' },
  'relay-wss': { key: 'title_relay_wss' },
  'secure-media': { key: 'title_secure_media' },
  'port-matrix': { key: 'title_port_matrix' },
};
/** "HTTPS to provider.example": the extra targets of the settings, https-target-1, -2, …. */
const TARGET_TITLE: Phrase = { key: 'title_https_target' };

/** Every title a check can have, for values that name a check (the runner's time-out). */
const TITLES: PhraseGroup = { phrases: [...Object.values(TITLE_BY_ID), TARGET_TITLE] };

/** The check's title in the UI language (its own title when this build does not know the check). */
export function checkTitle(check: Pick<CheckResult, 'id' | 'title'>): string {
  const phrase = TITLE_BY_ID[check.id] ?? (check.id.startsWith('https-target-') ? TARGET_TITLE : null);
  const values = phrase ? matchPhrase(phrase, check.title) : null;
  return phrase && values ? renderPhrase(phrase, values) : check.title;
}

// ---------------------------------------------------------------------------------------------------------
// Check summaries, by reason code

/** src/checks/net-error.ts explainNetReason, by reason code: any check that connects somewhere. */
const NET_REASONS: Record<string, Phrase> = Object.fromEntries(
  [
    'dns-failure',
    'connection-refused',
    'timed-out',
    'connection-reset',
    'tls-certificate-rejected',
    'tls-handshake-failed',
    'blocked-by-browser',
    'blocked-by-client',
    'network-unreachable',
    'proxy-failed',
    'network-error',
  ].map((reason) => [reason, { key: `net_${reason.replace(/-/g, '_')}` }]),
);

const MOS_BAND = group(
  'mos_band_excellent',
  'mos_band_good',
  'mos_band_fair',
  'mos_band_poor',
  'mos_band_bad',
  'common_unknown',
);

/** "MOS 4.41 (excellent)" for a media report, or "not measured". */
export function mosText(media: { mos: number | null; mosBand: string | null }): string {
  if (media.mos === null) return t('common_not_measured');
  const band = media.mosBand === null ? t('common_unknown') : localizeIn(MOS_BAND, media.mosBand);
  return t('media_mos', localNumber(media.mos), band);
}

/** src/checks/media/media-result.ts: "UDP, RTT 3 ms, jitter 2 ms, loss 0 %, MOS 4.41 (excellent)". */
const FIGURES = group({ key: 'media_figures', kinds: ['text', 'num', 'num', 'num', 'num', MOS_BAND] });

/** src/checks/media/thresholds.ts: the first quality finding. */
const QUALITY = group(
  { key: 'quality_rtt', kinds: ['num', 'num'] },
  { key: 'quality_loss', kinds: ['num', 'num'] },
  { key: 'quality_jitter', kinds: ['num', 'num'] },
  { key: 'quality_mos', kinds: ['num', 'num'] },
);

/** src/checks/media/secure-media.ts: why a stage failed. */
const WHAT = group('why_no_answer', 'why_ice_state', 'why_nothing_echoed');
const WHY = group('why_wss_timed_out', 'why_wss_refused', { key: 'why_within', kinds: [WHAT, 'num'] });
const STAGE = group('stage_signaling', 'stage_ice', 'stage_dtls', 'stage_media');

const PROFILE_NAME = group(
  'profile_desk_phone',
  'profile_mobile_app',
  'profile_desktop_app',
  'profile_meetings',
);

const p = (key: string, ...kinds: Kind[]): Phrase => ({ key, kinds });

/** Per check (https-target-N as https-target), per reason: the summaries it can have. */
const SUMMARIES: Record<string, Record<string, readonly Phrase[]>> = {
  'relay-https': {
    'relay-bad-response': [p('sum_https_bad_response', 'text', 'num')],
    'tls-too-old': [p('sum_https_tls_too_old', group('phrase_unknown_tls_version'))],
    ok: [p('sum_https_ok', 'text', 'num')],
  },
  'relay-wss': {
    'no-pong': [p('sum_wss_no_pong')],
    'pings-lost': [p('sum_wss_degraded', 'num', 'num', 'num')],
    slow: [p('sum_wss_degraded', 'num', 'num', 'num')],
    ok: [p('sum_wss_ok', 'num', 'num', 'num')],
    'wss-upgrade-blocked': [p('sum_wss_upgrade_blocked', 'text', 'num')],
    'relay-went-away': [
      p('sum_wss_went_away', 'text', group('phrase_right_after_connecting', 'phrase_while_pinging')),
    ],
    'relay-bad-response': [p('sum_wss_bad_response', 'text', group('phrase_no_hello'))],
  },
  'https-target': {
    slow: [p('sum_target_slow', 'text', 'num')],
    ok: [p('sum_target_ok', 'text', group('phrase_http_ok'), 'num')],
  },
  'secure-media': {
    'signaling-failed': [p('sum_media_signaling_failed', 'text', WHY)],
    'ice-failed': [p('sum_media_ice_failed', 'text', WHY)],
    'dtls-failed': [p('sum_media_dtls_failed', 'text', WHY)],
    'no-media-returned': [p('sum_media_no_media', 'text', WHY)],
    'relay-went-away': [p('sum_media_went_away', 'text', STAGE, 'text')],
    'media-timeout': [p('sum_media_timeout', 'text', 'num')],
    'relay-busy': [p('sum_media_busy', 'text', 'num')],
    'relay-refused': [p('sum_media_refused', 'text', 'text')],
    'no-srtp': [p('sum_media_no_srtp')],
    ok: [p('sum_media_ok', 'text', FIGURES)],
    'tcp-fallback': [p('sum_media_ok_tcp', 'text', FIGURES)],
    'degraded-quality': [
      p('sum_media_quality', QUALITY, FIGURES),
      p('sum_media_quality_tcp', QUALITY, FIGURES),
    ],
    'poor-quality': [p('sum_media_quality', QUALITY, FIGURES), p('sum_media_quality_tcp', QUALITY, FIGURES)],
  },
  'port-matrix': {
    'unknown-profile': [p('sum_ports_unknown_profile')],
    'probe-session-failed': [p('sum_ports_session_failed'), p('sum_ports_session_not_started')],
    'no-probe-ports': [p('sum_ports_no_probe_ports')],
    'ports-blocked': [p('sum_ports_blocked')],
    'some-ports-blocked': [p('sum_ports_some_blocked', 'num', 'text')],
    'ports-unmeasured': [p('sum_ports_unmeasured')],
    ok: [p('sum_ports_ok', 'num', PROFILE_NAME)],
  },
};

/** src/checks/runner.ts: any check. */
const RUNNER: Record<string, readonly Phrase[]> = {
  'check-timed-out': [p('sum_check_timed_out', TITLES, 'num')],
  'check-crashed': [p('sum_check_crashed', TITLES, 'text')],
};

const family = (id: string) => (id.startsWith('https-target-') ? 'https-target' : id);

/** The summaries a check with this id and reason can have, most likely first. */
function summaryPhrases(check: Pick<CheckResult, 'id' | 'reason'>): readonly Phrase[] {
  const net = NET_REASONS[check.reason];
  if (net) return [net];
  return RUNNER[check.reason] ?? SUMMARIES[family(check.id)]?.[check.reason] ?? [];
}

/** The check's summary in the UI language; its own (English) summary when the wording is not known here. */
export function checkSummary(check: Pick<CheckResult, 'id' | 'reason' | 'summary'>): string {
  for (const phrase of summaryPhrases(check)) {
    const values = matchPhrase(phrase, check.summary);
    if (values) return renderPhrase(phrase, values);
  }
  return check.summary;
}

/** Any summary a check with this id can have, whatever the reason (the checklist quotes summaries). */
export function anySummaryOf(id: string, text: string): string {
  const phrases = [...Object.values(SUMMARIES[family(id)] ?? {}).flat(), ...Object.values(RUNNER).flat()];
  return localizeIn({ phrases }, text);
}

// ---------------------------------------------------------------------------------------------------------
// NAT (src/checks/ports/nat.ts): the summary is these sentences, in this order, joined by spaces.

export const NAT_SENTENCES: PhraseGroup = group(
  'nat_behind',
  'nat_none',
  'nat_symmetric',
  'nat_endpoint_independent',
  'nat_paths_differ',
  'nat_unknown',
);

/** The NAT summary in the UI language. */
export const natSummary = (summary: string) => localizeSentences(NAT_SENTENCES, summary);

// ---------------------------------------------------------------------------------------------------------
// The verdict headline (src/checks/verdict.ts, src/checks/build-report.ts)

/** Headlines that quote the check that decided the verdict: its title and summary, or its summary alone. */
const HEADLINES_WITH_CHECK: ReadonlyArray<{ key: string; title: boolean }> = [
  { key: 'headline_blocked_check', title: true },
  { key: 'headline_could_not_finish', title: false },
  { key: 'headline_media_blocked', title: false },
  { key: 'headline_ports_blocked', title: false },
  { key: 'headline_blocked', title: false },
  { key: 'headline_degraded', title: true },
];

/** Headlines without a check: an interrupted run, no checks, and "ready" with what passed. */
const FIXED_HEADLINES = [
  'headline_interrupted',
  'headline_no_checks',
  'headline_ready_relay',
  'headline_ready_media',
  'headline_ready_ports',
  'headline_ready_all',
];

/**
 * The report's headline in the UI language. verdictOf (src/checks/verdict.ts) quotes one deciding check, or
 * lists what passed; the candidate whose English is exactly the stored headline is the one it wrote, so the
 * translation quotes that check's translated title and summary. A headline of another wording (an older
 * version's) is shown as stored.
 */
export function verdictHeadline(report: Pick<Report, 'headline' | 'checks'>): string {
  const { headline } = report;
  const fixed = FIXED_HEADLINES.find((key) => english(key) === headline);
  if (fixed) return t(fixed);
  for (const { key, title } of HEADLINES_WITH_CHECK) {
    for (const check of report.checks) {
      const en = title ? [check.title, check.summary] : [check.summary];
      if (fallbackMessage(key, en) !== headline) continue;
      return title ? t(key, checkTitle(check), checkSummary(check)) : t(key, checkSummary(check));
    }
  }
  return headline;
}
