import { t } from '../../platform/i18n.ts';
import type { Report } from '../../protocol/report.ts';
import { localDateTime, verdictHeadline } from '../check-text.ts';
import { VERDICT_LABEL } from '../format.ts';

/** The relay a run's comparison recommended, by name; nothing when the run compared none. */
function RecommendedRelay({ report }: { report: Report }) {
  const best = report.regions?.relays.find((x) => x.url === report.regions?.recommended);
  if (!best) return null;
  return <span class="history-relay"> {t('history_recommended_relay', best.name)}</span>;
}

/** The last runs, newest first; each is a link (keyboard and middle-click work) to that run on this page. */
export function HistoryList({ history, currentRunId }: { history: Report[]; currentRunId: string | null }) {
  if (history.length === 0) return <p class="hint">{t('history_empty')}</p>;
  return (
    <ol class="history">
      {history.map((r) => (
        <li key={r.runId} data-run-id={r.runId}>
          <a
            href={`#run=${encodeURIComponent(r.runId)}`}
            aria-current={r.runId === currentRunId ? 'true' : undefined}
          >
            <span class="history-date">{localDateTime(r.finishedAt)}</span>{' '}
            <span class={`history-verdict verdict-word-${r.verdict}`}>
              {VERDICT_LABEL[r.verdict]}
              {r.interrupted ? ` ${t('common_interrupted')}` : ''}
            </span>{' '}
            <span class="history-headline">{verdictHeadline(r)}</span>
            <RecommendedRelay report={r} />
          </a>
        </li>
      ))}
    </ol>
  );
}
