import {
  PORT_STATUS_LABEL,
  type PortMatrixView,
  purposeOf,
  ROW_STATUS_LABEL,
} from '../../report-text/port-rows.ts';
import { StatusWord } from './status-word.tsx';

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
  return (
    <div class="port-matrix">
      <div class="table-scroll">
        <table class="data-table" data-table="port-rows">
          <caption>Firewall rules of the {view.profileName} profile</caption>
          <thead>
            <tr>
              <th scope="col">Purpose</th>
              <th scope="col">Protocol</th>
              <th scope="col">Ports</th>
              <th scope="col">Status</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((r) => (
              <tr key={r.row} data-row-id={r.row} data-status={r.status}>
                <th scope="row">
                  {r.purpose}
                  {r.secureVoice ? <span class="tag">Secure Voice</span> : null}
                </th>
                <td>{r.protocol}</td>
                <td>{r.ports}</td>
                <td>
                  <StatusWord label={ROW_STATUS_LABEL[r.status]} />
                </td>
                <td class="detail">{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {view.ports.length > 0 ? (
        <details class="port-detail">
          <summary>Each probed port ({view.ports.length})</summary>
          <div class="table-scroll">
            <table class="data-table" data-table="port-results">
              <caption>Each probed port</caption>
              <thead>
                <tr>
                  <th scope="col">Port</th>
                  <th scope="col">Transport</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {view.ports.map((p) => (
                  <tr key={`${p.row}:${p.transport}:${p.port}`} data-status={p.status}>
                    <th scope="row">{p.port}</th>
                    <td>{p.transport.toUpperCase()}</td>
                    <td>{purposeOf(view, p.row)}</td>
                    <td>
                      <StatusWord label={PORT_STATUS_LABEL[p.status]} />
                    </td>
                    <td>{p.reason}</td>
                    <td>{p.ms === null ? '–' : `${p.ms} ms`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      <h3>Remediation</h3>
      {view.failed.length > 0 ? (
        <>
          <pre class="remediation" data-field="remediation">
            {view.remediation}
          </pre>
          <button type="button" onClick={() => onCopyRemediation(view.remediation)}>
            Copy remediation
          </button>
        </>
      ) : (
        <p data-field="remediation">{view.remediation}</p>
      )}
    </div>
  );
}
