import { remediation, remediationMessages } from '../../checks/ports/rollup.ts';
import type { PortStatus, RowResult, RowStatus } from '../../checks/ports/types.ts';
import { renderMessage, shown } from '../../messages/render.ts';
import { t, UI } from '../../platform/i18n.ts';
import {
  PORT_STATUS_LABEL,
  PORT_WORD,
  type PortMatrixView,
  purposeOf,
  ROW_STATUS_LABEL,
  ROW_WORD,
  type StatusLabel,
} from '../../report-text/port-rows.ts';
import { localNumber } from '../check-text.ts';
import { profileName } from '../format.ts';
import { DataTable, RowPurpose } from './data-table.tsx';
import { portReasonWords } from './port-reasons.tsx';
import { StatusWord } from './status-word.tsx';

/*
 * The port matrix in the UI language. Purposes and protocols stay as the provider's table writes them, so an
 * administrator can find the row in the provider's paper. Each port's reason is said in words; its code (what
 * the JSON report keeps, what support searches for) is the cell's title.
 */

export const rowStatusLabel = (status: RowStatus): StatusLabel => ({
  ...ROW_STATUS_LABEL[status],
  word: t(ROW_WORD[status]),
});

export const portStatusLabel = (status: PortStatus): StatusLabel => ({
  ...PORT_STATUS_LABEL[status],
  word: t(PORT_WORD[status]),
});

/** Why a row has its status ("5096 open, 5097 blocked"), as the check said it. */
export const rowDetail = (row: Pick<RowResult, 'detail' | 'detailMessage'>): string =>
  shown(row.detailMessage, row.detail, UI);

/** The remediation list (src/checks/ports/rollup.ts) in the UI language. */
export function remediationList(view: PortMatrixView): string {
  return remediationMessages(remediation(view.failed))
    .map((m) => renderMessage(m, UI))
    .join('\n');
}

/**
 * The provider's port table as measured: one row per rule, then each probed port, then the firewall rules
 * to add, as plain text an administrator can paste into a change request.
 */
export function PortMatrixTable({
  view,
  onCopyRemediation,
}: {
  view: PortMatrixView;
  onCopyRemediation: (text: string) => void;
}) {
  const fix = remediationList(view);
  const portsCaption = t('ports_each_caption');
  return (
    <div class="port-matrix">
      <DataTable
        name="port-rows"
        caption={t('ports_caption', profileName(view.profileId, view.profileName))}
        columns={[
          'ports_col_purpose',
          'ports_col_protocol',
          'ports_col_ports',
          'ports_col_status',
          'ports_col_detail',
        ]}
      >
        {view.rows.map((r) => (
          <tr key={r.row} data-row-id={r.row} data-status={r.status}>
            <th scope="row">
              <RowPurpose purpose={r.purpose} secureVoice={r.secureVoice} />
            </th>
            <td>{r.protocol}</td>
            <td>{r.ports}</td>
            <td>
              <StatusWord label={rowStatusLabel(r.status)} />
            </td>
            <td class="detail">{rowDetail(r)}</td>
          </tr>
        ))}
      </DataTable>
      {view.ports.length > 0 ? (
        <details class="port-detail">
          <summary>{t('ports_each_summary', localNumber(view.ports.length))}</summary>
          <DataTable
            name="port-results"
            caption={portsCaption}
            columns={[
              'ports_col_port',
              'ports_col_transport',
              'ports_col_rule',
              'ports_col_status',
              'ports_col_reason',
              'ports_col_time',
            ]}
          >
            {view.ports.map((p) => (
              <tr key={`${p.row}:${p.transport}:${p.port}`} data-status={p.status}>
                <th scope="row">{p.port}</th>
                <td>{p.transport.toUpperCase()}</td>
                <td>{purposeOf(view, p.row)}</td>
                <td>
                  <StatusWord label={portStatusLabel(p.status)} />
                </td>
                <td data-reason={p.reason} title={p.reason}>
                  {portReasonWords(p.reason)}
                </td>
                <td>{p.ms === null ? '–' : t('unit_ms', localNumber(p.ms))}</td>
              </tr>
            ))}
          </DataTable>
        </details>
      ) : null}
      <h3>{t('ports_remediation_heading')}</h3>
      {view.failed.length > 0 ? (
        <>
          <pre class="remediation" data-field="remediation">
            {fix}
          </pre>
          <button type="button" onClick={() => onCopyRemediation(fix)}>
            {t('ports_copy_remediation')}
          </button>
        </>
      ) : (
        <p data-field="remediation">{fix}</p>
      )}
    </div>
  );
}
