import { Fragment } from 'preact';
import type { CheckResult } from '../../checks/types.ts';
import { t } from '../../platform/i18n.ts';
import { checkSummary, checkTitle, localNumber } from '../check-text.ts';
import { evidenceRows, STATUS_LABEL } from '../format.ts';
import { PortReasonList, portsToExplain } from './port-reasons.tsx';

/**
 * One check: status as icon and word (never colour alone), its summary, and the evidence on demand (or at
 * once with `open`, as on the report page). Title and summary are shown in the UI language; the evidence
 * keeps its machine names (reason codes, data keys), which is what support staff search for. The port
 * check's ports are the exception: each says why in words (its code in the title).
 */
export function CheckRow({ check, open = false }: { check: CheckResult; open?: boolean }) {
  const label = STATUS_LABEL[check.status];
  const ports = portsToExplain(check.data.ports);
  const { ports: _ports, ...rest } = check.data;
  const evidence = ports ? rest : check.data;
  return (
    <li
      class={`check check-${check.status}`}
      data-check-id={check.id}
      data-status={check.status}
      data-partial={check.partial ? 'true' : undefined}
    >
      <details open={open}>
        <summary>
          <span class="check-icon" aria-hidden="true">
            {label.icon}
          </span>
          <span class="check-title">{checkTitle(check)}</span>
          <span class="check-status">{label.word}</span>
        </summary>
        <p class="check-summary">{checkSummary(check)}</p>
        <dl class="evidence">
          <dt>{t('check_reason')}</dt>
          <dd>{check.reason}</dd>
          {check.step ? (
            <>
              <dt>{t('check_failed_step')}</dt>
              <dd>{check.step.toUpperCase()}</dd>
            </>
          ) : null}
          <dt>{t('check_time')}</dt>
          <dd>{t('unit_ms', localNumber(check.durationMs))}</dd>
          {ports && ports.length > 0 ? (
            <>
              <dt>ports</dt>
              <dd>
                <PortReasonList ports={ports} />
              </dd>
            </>
          ) : null}
          {evidenceRows(evidence).map(([k, v]) => (
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
