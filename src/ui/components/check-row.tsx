import { Fragment } from 'preact';
import type { CheckResult } from '../../checks/types.ts';
import { evidenceRows, STATUS_LABEL } from '../format.ts';

/**
 * One check: status as icon and word (never colour alone), its summary, and the evidence on demand (or at
 * once with `open`, as on the report page).
 */
export function CheckRow({ check, open = false }: { check: CheckResult; open?: boolean }) {
  const label = STATUS_LABEL[check.status];
  return (
    <li class={`check check-${check.status}`} data-check-id={check.id} data-status={check.status}>
      <details open={open}>
        <summary>
          <span class="check-icon" aria-hidden="true">
            {label.icon}
          </span>
          <span class="check-title">{check.title}</span>
          <span class="check-status">{label.word}</span>
        </summary>
        <p class="check-summary">{check.summary}</p>
        <dl class="evidence">
          <dt>reason</dt>
          <dd>{check.reason}</dd>
          {check.step ? (
            <>
              <dt>failed step</dt>
              <dd>{check.step.toUpperCase()}</dd>
            </>
          ) : null}
          <dt>time</dt>
          <dd>{check.durationMs} ms</dd>
          {evidenceRows(check.data).map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </Fragment>
          ))}
        </dl>
      </details>
    </li>
  );
}
