/**
 * The readable report for terminals and tickets: the command line prints it, the report page copies it.
 * English by default (what support reads); any language of the catalogue on request. Pure and short on
 * purpose; the JSON report carries the full evidence.
 */
import { toneSilent } from '../checks/media/media-context.ts';
import { portReasonMessage } from '../checks/ports/port-reason.ts';
import { FAILED_PORT_STATUSES, remediation, remediationMessages } from '../checks/ports/rollup.ts';
import { mosBandMessage, profileNameMessage } from '../checks/words.ts';
import type { PlainLabelKey } from '../messages/labels.ts';
import { ENGLISH, formatNumber, type Language, label, renderMessage, shown } from '../messages/render.ts';
import type { CheckStatus, LossFigure, Report, Verdict } from '../protocol/report.ts';
import { ipv6Lines } from './ipv6-lines.ts';
import { type PortResultView, portMatrixOf } from './port-rows.ts';
import { relayLines } from './relay-lines.ts';

const say = label;

const STATUS: Record<CheckStatus, PlainLabelKey> = {
  pass: 'text_status_pass',
  warn: 'text_status_warn',
  fail: 'text_status_fail',
  skip: 'text_status_skip',
  error: 'text_status_error',
};

const VERDICT: Record<Verdict, PlainLabelKey> = {
  ready: 'text_verdict_ready',
  degraded: 'text_verdict_degraded',
  blocked: 'text_verdict_blocked',
  error: 'text_verdict_error',
};

export function renderText(report: Report, lang: Language = ENGLISH): string {
  const verdict = say(lang, VERDICT[report.verdict]);
  // The status words in one column, however long the language's longest is.
  const width = Math.max(...Object.values(STATUS).map((key) => say(lang, key).length));
  const lines = [
    report.interrupted ? say(lang, 'text_title_interrupted', verdict) : say(lang, 'text_title', verdict),
    shown(report.headlineMessage, report.headline, lang),
    '',
    ...report.checks.map((c) => {
      const step = c.step ? ` [${c.step.toUpperCase()}]` : '';
      const status = say(lang, STATUS[c.status]).padEnd(width);
      const title = shown(c.titleMessage, c.title, lang);
      const ms = say(lang, 'unit_ms', formatNumber(c.durationMs, lang));
      return `  ${status} ${title} (${ms})${step}\n        ${shown(c.summaryMessage, c.summary, lang)}`;
    }),
    ...mediaLines(report, lang),
    ...relayLines(report, lang),
    ...portLines(report, lang),
    ...(report.nat
      ? ['', `  ${say(lang, 'text_nat', shown(report.nat.summaryMessage, report.nat.summary, lang))}`]
      : []),
    '',
    say(lang, 'text_footer', report.relayUrl, report.browser, report.extensionVersion, report.finishedAt),
  ];
  return lines.join('\n');
}

/** "up 1.2 % (±1.6 points), down 0.4 % (±0.9 points), round trip 1.6 %", or the round trip alone. */
function lossText(m: NonNullable<Report['media']>, lang: Language): string {
  const percent = (v: number) => say(lang, 'unit_percent', formatNumber(v, lang));
  const oneWay = (f: LossFigure) =>
    say(
      lang,
      'text_loss_one_way',
      percent(f.percent),
      formatNumber(Math.round((f.high - f.low) * 5) / 10, lang),
    );
  const { uplink, downlink, roundTrip } = m.loss ?? {};
  const rt = roundTrip?.percent ?? m.lossPercent;
  if (uplink && downlink && rt !== null) {
    return say(lang, 'text_loss_directions', oneWay(uplink), oneWay(downlink), percent(rt));
  }
  return rt === null ? say(lang, 'text_not_available') : say(lang, 'text_loss_round_trip', percent(rt));
}

function mediaLines(report: Report, lang: Language): string[] {
  const m = report.media;
  if (!m) return [];
  const na = say(lang, 'text_not_available');
  const n = (v: unknown, unit: 'unit_ms' | 'unit_percent') =>
    typeof v === 'number' ? say(lang, unit, formatNumber(v, lang)) : na;
  const encryption = m.encrypted
    ? say(lang, 'text_media_encrypted', String(m.srtpCipher ?? 'SRTP'), String(m.dtlsCipher ?? 'DTLS'))
    : say(lang, 'text_media_not_encrypted');
  return [
    '',
    `  ${say(lang, 'text_media', encryption, String(m.transport ?? '?').toUpperCase())}`,
    `    ${say(
      lang,
      'text_media_figures',
      n(m.rttMs, 'unit_ms'),
      n(m.jitterMs, 'unit_ms'),
      lossText(m, lang),
      typeof m.mos === 'number' ? formatNumber(m.mos, lang) : na,
      m.mosBand === null ? na : renderMessage(mosBandMessage(m.mosBand), lang),
    )}`,
    `    ${say(lang, 'text_media_packets', formatNumber(m.packetsSent, lang), formatNumber(m.packetsReceived, lang))}`,
    ...(toneSilent(m.toneState) ? [`    ${say(lang, 'text_media_tone_silent', String(m.toneState))}`] : []),
  ];
}

/** Only what an administrator must act on: the blocked rows and the rules to add. */
function portLines(report: Report, lang: Language): string[] {
  const matrix = portMatrixOf(report);
  if (!matrix) return [];
  const name = profileNameMessage(matrix.profileId);
  const profile = name ? renderMessage(name, lang) : matrix.profileName;
  const tested = matrix.rows.filter((r) => r.status !== 'not-testable');
  const open = tested.filter((r) => r.status === 'open').length;
  if (matrix.failed.length === 0)
    return [
      '',
      `  ${say(lang, 'text_firewall', profile, open, tested.length)}`,
      ...ipv6Lines(report, profile, lang),
    ];
  return [
    '',
    `  ${say(lang, 'text_firewall_blocked', profile, open, tested.length, matrix.failed.length)}`,
    ...matrix.failed.flatMap((r) => {
      const status = say(lang, r.status === 'partial' ? 'text_row_partly_blocked' : 'text_row_blocked');
      const detail = shown(r.detailMessage, r.detail, lang);
      return [
        `    ${status} ${r.transport.toUpperCase()} ${r.ports} ${r.protocol}: ${r.purpose} (${detail})`,
        ...failedPortReasons(matrix.ports, r.row, lang).map((line) => `      ${line}`),
      ];
    }),
    '',
    ...remediationMessages(remediation(matrix.rows)).map((l) => `  ${renderMessage(l, lang)}`),
    ...ipv6Lines(report, profile, lang),
  ];
}

/** Ports a reason line names before "and N more". */
const LISTED_PORTS = 8;

/** Why a row's ports failed, one line a reason: "Ports 40000, 44999: No answer within the time limit: …". */
function failedPortReasons(ports: readonly PortResultView[], row: string, lang: Language): string[] {
  const byReason = new Map<string, number[]>();
  for (const p of ports) {
    if (p.row !== row || !FAILED_PORT_STATUSES.has(p.status)) continue;
    byReason.set(p.reason, [...(byReason.get(p.reason) ?? []), p.port]);
  }
  return [...byReason].map(([reason, list]) => {
    const why = renderMessage(portReasonMessage(reason), lang);
    const named = list.slice(0, LISTED_PORTS).join(', ');
    return list.length > LISTED_PORTS
      ? say(lang, 'text_port_reasons_more', named, formatNumber(list.length - LISTED_PORTS, lang), why)
      : say(lang, 'text_port_reasons', named, why);
  });
}
