import { msg } from '../../messages/catalog.ts';
import { renderMessage } from '../../messages/render.ts';
import { t, UI } from '../../platform/i18n.ts';
import type { Ipv6View } from '../../report-text/ipv6-ports.ts';
import { localNumber } from '../check-text.ts';
import { profileName } from '../format.ts';
import { DataTable, RowPurpose } from './data-table.tsx';
import { portStatusLabel, rowStatusLabel } from './port-matrix-table.tsx';
import { StatusWord } from './status-word.tsx';

const NONE = '–';

/**
 * The UDP rows the port check probed again over IPv6, each beside its IPv4 result, so an administrator sees
 * which rules exist for IPv4 only. The relay's IPv6 address is shown redacted.
 */
export function Ipv6PortsTable({
  view,
  profileId,
  profileFallback,
}: {
  view: Ipv6View;
  profileId: string;
  profileFallback: string;
}) {
  if (view.outcome === 'no-ipv6-path') {
    return (
      <div class="ipv6-ports" data-ipv6-outcome={view.outcome}>
        <h3>{t('ports_ipv6_heading')}</h3>
        <p data-field="ipv6-outcome">{renderMessage(msg('sum_ports_ipv6_no_path'), UI)}</p>
      </div>
    );
  }
  return (
    <div class="ipv6-ports" data-ipv6-outcome={view.outcome}>
      <h3>{t('ports_ipv6_heading')}</h3>
      <p class="hint">{t('ports_ipv6_intro', view.addressShown)}</p>
      <DataTable
        name="ipv6-rows"
        caption={t('ports_ipv6_caption', profileName(profileId, profileFallback))}
        columns={[
          'ports_col_purpose',
          'ports_col_protocol',
          'ports_col_ports',
          'ports_col_ipv4',
          'ports_col_ipv6',
        ]}
      >
        {view.rows.map((r) => (
          <tr key={r.row} data-row-id={r.row} data-ipv6-only={r.onlyOverIpv6 ? 'true' : undefined}>
            <th scope="row">
              <RowPurpose purpose={r.purpose} secureVoice={r.secureVoice} />
              {r.onlyOverIpv6 ? <span class="tag tag-warn">{t('ports_ipv6_only')}</span> : null}
            </th>
            <td>{r.protocol}</td>
            <td>{r.ports}</td>
            <td data-family="IPv4">{r.ipv4 ? <StatusWord label={rowStatusLabel(r.ipv4)} /> : NONE}</td>
            <td data-family="IPv6">
              <StatusWord label={rowStatusLabel(r.ipv6)} />
            </td>
          </tr>
        ))}
      </DataTable>
      {view.ports.length > 0 ? (
        <details class="port-detail">
          <summary>{t('ports_ipv6_each_summary', localNumber(view.ports.length))}</summary>
          <DataTable
            name="ipv6-ports"
            caption={t('ports_ipv6_each_caption')}
            columns={['ports_col_port', 'ports_col_ipv4', 'ports_col_ipv6']}
          >
            {view.ports.map((p) => (
              <tr key={p.port}>
                <th scope="row">{p.port}</th>
                <td>{p.ipv4 ? <StatusWord label={portStatusLabel(p.ipv4)} /> : NONE}</td>
                <td>
                  <StatusWord label={portStatusLabel(p.ipv6)} />
                </td>
              </tr>
            ))}
          </DataTable>
        </details>
      ) : null}
    </div>
  );
}
