import { t } from '../../platform/i18n.ts';
import type { ComparedRelay, RegionsReport } from '../../protocol/report.ts';
import { localNumber, say } from '../check-text.ts';

const notMeasured = () => t('common_not_measured');
const fixed = (v: number | null, decimals: number) => (v === null ? null : Number(v.toFixed(decimals)));
const ms = (v: number | null) => {
  const n = fixed(v, 0);
  return n === null ? notMeasured() : t('unit_ms', localNumber(n));
};
const percent = (v: number | null) => {
  const n = fixed(v, 1);
  return n === null ? notMeasured() : t('unit_percent', localNumber(n));
};
const mos = (v: number | null) => (v === null ? notMeasured() : localNumber(Number(v.toFixed(1))));

const problemOf = (r: ComparedRelay) => (r.problemMessage ? say(r.problemMessage) : r.problem);

/** Relays (regions) side by side, best first: each figure in the row of the relay it came from. */
export function RelayTable({ regions }: { regions: RegionsReport }) {
  return (
    <>
      <p data-field="relay-recommendation">
        {regions.summaryMessage ? say(regions.summaryMessage) : regions.summary}
      </p>
      <div class="table-scroll">
        <table class="data-table" data-table="relays">
          <caption>{t('relays_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('relays_col_relay')}</th>
              <th scope="col">{t('relays_col_https')}</th>
              <th scope="col">{t('relays_col_rtt')}</th>
              <th scope="col">{t('relays_col_loss')}</th>
              <th scope="col">{t('relays_col_jitter')}</th>
              <th scope="col">{t('relays_col_mos')}</th>
            </tr>
          </thead>
          <tbody>
            {regions.relays.map((r) => {
              const recommended = r.url === regions.recommended;
              const problem = problemOf(r);
              return (
                <tr key={r.url} data-relay={r.url} data-recommended={String(recommended)}>
                  <th scope="row">
                    {r.name}
                    {recommended ? ` (${t('relays_recommended')})` : ''}
                    {r.primary ? ` (${t('relays_configured')})` : ''}
                    <br />
                    <span class="hint">{r.url}</span>
                    {problem ? (
                      <>
                        <br />
                        <span class="detail">{problem}</span>
                      </>
                    ) : null}
                  </th>
                  <td>{ms(r.httpsMs)}</td>
                  <td>{ms(r.rttMs)}</td>
                  <td>{percent(r.lossPercent)}</td>
                  <td>{ms(fixed(r.jitterMs, 1))}</td>
                  <td>{mos(r.mos)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
