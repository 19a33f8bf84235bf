import type { Report } from '../../protocol/report.ts';
import { VERDICT_LABEL } from '../format.ts';

/** The last runs, newest first; each is a link (keyboard and middle-click work) to that run on this page. */
export function HistoryList({ history, currentRunId }: { history: Report[]; currentRunId: string | null }) {
  if (history.length === 0) return <p class="hint">No checks recorded yet.</p>;
  return (
    <ol class="history">
      {history.map((r) => (
        <li key={r.runId} data-run-id={r.runId}>
          <a
            href={`#run=${encodeURIComponent(r.runId)}`}
            aria-current={r.runId === currentRunId ? 'true' : undefined}
          >
            <span class="history-date">{new Date(r.finishedAt).toLocaleString()}</span>{' '}
            <span class={`history-verdict verdict-word-${r.verdict}`}>
              {VERDICT_LABEL[r.verdict]}
              {r.interrupted ? ' (interrupted)' : ''}
            </span>{' '}
            <span class="history-headline">{r.headline}</span>
          </a>
        </li>
      ))}
    </ol>
  );
}
