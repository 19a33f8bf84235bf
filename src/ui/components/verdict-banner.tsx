import { t } from '../../platform/i18n.ts';
import type { Report } from '../../protocol/report.ts';
import { verdictHeadline } from '../check-text.ts';
import { checkedText, VERDICT_LABEL } from '../format.ts';

/**
 * The headline verdict in plain words. Failures are announced as alerts; a pass is not. While a new run is
 * going, the last result stays visible as `previous` (not announced, and marked so tests and people can tell).
 */
export function VerdictBanner({
  report,
  now,
  previous = false,
}: {
  report: Report;
  now: number;
  previous?: boolean;
}) {
  const urgent = !previous && (report.verdict === 'blocked' || report.verdict === 'error');
  const label = VERDICT_LABEL[report.verdict];
  return (
    <section
      class={`verdict verdict-${report.verdict}${previous ? ' verdict-previous' : ''}`}
      data-verdict={previous ? undefined : report.verdict}
      data-previous-verdict={previous ? report.verdict : undefined}
    >
      <h2 class="verdict-label">{previous ? t('verdict_previous', label) : label}</h2>
      <p class="verdict-headline" role={urgent ? 'alert' : undefined}>
        {verdictHeadline(report)}
      </p>
      <p class="verdict-age">
        {checkedText(report.finishedAt, now)}
        {report.interrupted ? ` ${t('common_interrupted')}` : ''}
      </p>
    </section>
  );
}
