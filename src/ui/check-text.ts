/**
 * What a report says, in the UI language: check titles and summaries, the headline, the NAT summary. Each is
 * the message the check stored, rendered by src/messages/render.ts; a report from before messages existed has
 * only its English text, which is shown as it is.
 */

import { mosBandMessage } from '../checks/words.ts';
import { msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import { formatDay, formatNumber, renderMessage, shown } from '../messages/render.ts';
import { t, UI } from '../platform/i18n.ts';
import type { CheckResult, NatReport, Report } from '../protocol/report.ts';

/** The language tag of the UI messages the browser picked ('en' when it fell back to English). */
export const messageLocale = (): string => UI.tag();

/** A message in the UI language. */
export const say = (message: Message): string => renderMessage(message, UI);

const isEnglish = () => /^en\b/i.test(messageLocale());

/** A number in the messages' language ("1,4" in German). */
export const localNumber = (value: number): string => formatNumber(value, UI);

/** A 'YYYY-MM-DD' day in the messages' language. */
export const localDay = (day: string): string => formatDay(day, UI);

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

export const checkTitle = (check: Pick<CheckResult, 'title' | 'titleMessage'>): string =>
  shown(check.titleMessage, check.title, UI);

export const checkSummary = (check: Pick<CheckResult, 'summary' | 'summaryMessage'>): string =>
  shown(check.summaryMessage, check.summary, UI);

export const verdictHeadline = (report: Pick<Report, 'headline' | 'headlineMessage'>): string =>
  shown(report.headlineMessage, report.headline, UI);

export const natSummary = (nat: Pick<NatReport, 'summary' | 'summaryMessage'>): string =>
  shown(nat.summaryMessage, nat.summary, UI);

/** "MOS 4.41 (excellent)" for a media report, or "not measured". */
export function mosText(media: { mos: number | null; mosBand: string | null }): string {
  if (media.mos === null) return t('common_not_measured');
  return say(msg('media_mos', media.mos, mosBandMessage(media.mosBand)));
}
