import type { Report } from '../../protocol/report.ts';
import { ageOf, VERDICT_LABEL } from '../format.ts';

/** The headline verdict in plain words. Failures are announced as alerts; a pass is not. */
export function VerdictBanner({ report, now }: { report: Report; now: number }) {
  const urgent = report.verdict === 'blocked' || report.verdict === 'error';
  return (
    <section class={`verdict verdict-${report.verdict}`} data-verdict={report.verdict}>
      <h2 class="verdict-label">{VERDICT_LABEL[report.verdict]}</h2>
      <p class="verdict-headline" role={urgent ? 'alert' : undefined}>
        {report.headline}
      </p>
      <p class="verdict-age">
        Checked {ageOf(report.finishedAt, now)}
        {report.interrupted ? ' (interrupted)' : ''}
      </p>
    </section>
  );
}
