import { t } from '../../platform/i18n.ts';
import type { Report, Verdict } from '../../protocol/report.ts';
import { localDateTime, localNumber } from '../check-text.ts';
import { VERDICT_LABEL } from '../format.ts';
import { ChartFigure, GridLine } from './chart-figure.tsx';
import { chronological, linePath, range } from './geometry.ts';

const W = 640;
const H = 170;
const LEFT = 40;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 30;
/** MOS runs from 1 (bad) to 4.5 (the E-model's best). */
const MOS_MIN = 1;
const MOS_MAX = 4.5;

/** Verdicts differ in shape as well as colour. */
function Marker({ verdict, cx, cy }: { verdict: Verdict; cx: number; cy: number }) {
  const cls = `chart-mark mark-${verdict}`;
  if (verdict === 'ready') return <circle class={cls} cx={cx} cy={cy} r={5} />;
  if (verdict === 'degraded')
    return <path class={cls} d={`M${cx} ${cy - 6}L${cx + 6} ${cy + 5}L${cx - 6} ${cy + 5}Z`} />;
  if (verdict === 'blocked') return <rect class={cls} x={cx - 5} y={cy - 5} width={10} height={10} />;
  return <path class={cls} d={`M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z`} />;
}

/** The MOS of the relay a run's comparison recommended; null when the run compared no relays. */
const recommendedMos = (r: Report): number | null =>
  r.regions?.relays.find((x) => x.url === r.regions?.recommended)?.mos ?? null;

/** True when a run's comparison recommended a relay other than the configured one. */
const recommendedOther = (r: Report): boolean =>
  r.regions?.relays.some((x) => x.url === r.regions?.recommended && !x.primary) ?? false;

/**
 * The history as a timeline, oldest left: each run a marker for its verdict at its MOS (runs without a MOS sit
 * on the bottom line), joined by the MOS line. Runs that compared relays also show the recommended relay's
 * MOS (a dashed line with small dots), so a relay that would sound better shows above the configured one's.
 * The list beside it names every run; the summary says the range and how often another relay was recommended.
 */
export function HistoryTimeline({ history }: { history: readonly Report[] }) {
  const runs = chronological(history);
  if (runs.length === 0) return null;
  const step = runs.length > 1 ? (W - LEFT - RIGHT) / (runs.length - 1) : 0;
  const x = (i: number) => (runs.length > 1 ? LEFT + i * step : (LEFT + W - RIGHT) / 2);
  const y = (mos: number | null) =>
    H -
    BOTTOM -
    ((Math.min(Math.max(mos ?? MOS_MIN, MOS_MIN), MOS_MAX) - MOS_MIN) / (MOS_MAX - MOS_MIN)) *
      (H - BOTTOM - TOP);
  const mos = runs.map((r) => r.media?.mos ?? null);
  const mosRange = range(mos);
  const first = runs[0] as Report;
  const last = runs.at(-1) as Report;
  const summary = mosRange
    ? t(
        'chart_history_summary',
        runs.length,
        localDateTime(first.finishedAt),
        localDateTime(last.finishedAt),
        `${localNumber(mosRange.min)}–${localNumber(mosRange.max)}`,
      )
    : t(
        'chart_history_summary_no_mos',
        runs.length,
        localDateTime(first.finishedAt),
        localDateTime(last.finishedAt),
      );
  const comparedRuns = runs.filter((r) => r.regions).length;
  const relaysSaid = comparedRuns
    ? ` ${t('chart_history_relays', comparedRuns, runs.filter(recommendedOther).length)}`
    : '';
  const best = runs.map(recommendedMos);
  const verdicts: Verdict[] = ['ready', 'degraded', 'blocked', 'error'];
  return (
    <ChartFigure
      id="history"
      width={W}
      height={H}
      title={t('chart_history_title')}
      summary={summary + relaysSaid}
      legend={[
        ...verdicts.map((v) => (
          <li key={v}>
            <svg viewBox="-7 -7 14 14" class="legend-mark" aria-hidden="true">
              <Marker verdict={v} cx={0} cy={0} />
            </svg>
            {VERDICT_LABEL[v]}
          </li>
        )),
        comparedRuns ? (
          <li key="recommended" class="legend-recommended">
            {t('chart_history_recommended')}
          </li>
        ) : null,
      ]}
    >
      {[1, 2, 3, 4].map((v) => (
        <GridLine key={v} y={y(v)} left={LEFT} right={W - RIGHT} label={localNumber(v)} />
      ))}
      <text class="chart-axis-label" x={LEFT - 6} y={TOP - 4} text-anchor="end">
        MOS
      </text>
      <path class="chart-mos" d={linePath(mos.map((m, i) => [x(i), m === null ? null : y(m)]))} />
      {comparedRuns ? (
        <path
          class="chart-mos-recommended"
          d={linePath(best.map((m, i) => [x(i), m === null ? null : y(m)]))}
        />
      ) : null}
      {runs.map((r, i) => (
        <Marker key={r.runId} verdict={r.verdict} cx={x(i)} cy={y(r.media?.mos ?? null)} />
      ))}
      {best.map((m, i) =>
        m === null ? null : (
          <circle key={runs[i]?.runId} class="chart-mark-recommended" cx={x(i)} cy={y(m)} r={2.5} />
        ),
      )}
      <text class="chart-grid-text" x={LEFT} y={H - 8}>
        {localDateTime(first.finishedAt)}
      </text>
      <text class="chart-grid-text" x={W - RIGHT} y={H - 8} text-anchor="end">
        {localDateTime(last.finishedAt)}
      </text>
    </ChartFigure>
  );
}
