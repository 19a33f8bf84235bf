import { t } from '../../platform/i18n.ts';
import type { LossSecond, MediaLoss, MediaSample } from '../../protocol/report.ts';
import { localNumber } from '../check-text.ts';
import { lossFigureText } from '../loss-text.ts';
import { ChartFigure, GridLine } from './chart-figure.tsx';
import { DirectionLegendMark, DirectionSeries } from './direction-series.tsx';
import { directionLabelYs, linePath, lossPerSecond, niceMax, range, yScale } from './geometry.ts';

const W = 640;
const H = 220;
const LEFT = 48;
const RIGHT = 48;
const TOP = 14;
const BOTTOM = 34;

/** The text alternative's sentence on the per-second series: their ranges and how many seconds lost any. */
function secondsSentence(perSecond: readonly LossSecond[]): string {
  const of = (key: 'uplink' | 'downlink') => {
    const got = perSecond.map((s) => s[key]).filter((v): v is number => v !== null);
    const r = range(got);
    const span = r
      ? r.min === r.max
        ? localNumber(r.min)
        : `${localNumber(r.min)}–${localNumber(r.max)}`
      : '–';
    return [span, localNumber(got.filter((v) => v > 0).length)] as const;
  };
  const [up, upLossy] = of('uplink');
  const [down, downLossy] = of('downlink');
  return t('chart_loss_seconds', perSecond.length, up, upLossy, down, downLossy);
}

/**
 * The extended check second by second: round trip and jitter as lines (ms, left axis), the round trip's loss
 * as bars (%, right axis), and loss per direction each second as two more lines on the % axis (the relay's
 * counts by the second with the browser's, media.lossPerSecond). Lines differ in dash and marks as well as
 * colour; the colours are the theme's, so it reads in light and dark. A report without the per-second
 * directions (a relay from before, an older report) draws the run's uplink and downlink loss as two level
 * lines instead. Screen readers get the title and a summary naming both directions; the table under it lists
 * every second.
 */
export function MediaChart({
  samples,
  loss: directions,
  perSecond: bySecond,
}: {
  samples: readonly MediaSample[];
  loss?: MediaLoss;
  perSecond?: readonly LossSecond[];
}) {
  const loss = lossPerSecond(samples);
  const perSecond = bySecond ?? [];
  const directionValues = perSecond.flatMap((s) => [s.uplink, s.downlink]);
  const rtt = range(samples.map((s) => s.rttMs));
  const jitter = range(samples.map((s) => s.jitterMs));
  const up = directions?.uplink ?? null;
  const down = directions?.downlink ?? null;
  const msMax = niceMax(Math.max(rtt?.max ?? 0, jitter?.max ?? 0), 10);
  const lossMax = niceMax(
    Math.max(range(loss)?.max ?? 0, range(directionValues)?.max ?? 0, up?.percent ?? 0, down?.percent ?? 0),
    5,
  );
  const tMax = Math.max(1, samples.at(-1)?.t ?? 1, perSecond.at(-1)?.t ?? 1);
  const x = (s: number) => LEFT + (s / tMax) * (W - LEFT - RIGHT);
  const yMs = yScale(msMax, TOP, H - BOTTOM);
  const yLoss = yScale(lossMax, TOP, H - BOTTOM);
  const barW = Math.max(1, ((W - LEFT - RIGHT) / Math.max(samples.length, 1)) * 0.6);
  const lossyS = loss.filter((l) => l !== null && l > 0).length;
  const summary = t(
    'chart_media_summary',
    samples.length,
    rtt ? `${localNumber(Math.round(rtt.min))}–${localNumber(Math.round(rtt.max))}` : '–',
    jitter ? localNumber(Math.round(jitter.max)) : '–',
    lossyS,
  );
  const both = up && down;
  const seriesShown = both && perSecond.length > 0;
  const fullSummary = [
    summary,
    ...(both ? [t('chart_loss_directions', lossFigureText(up), lossFigureText(down))] : []),
    ...(seriesShown ? [secondsSentence(perSecond)] : []),
  ].join(' ');
  const labelY = both && !seriesShown ? directionLabelYs(yLoss(up.percent), yLoss(down.percent)) : null;
  const ticks = [0, msMax / 2, msMax];
  return (
    <ChartFigure
      id="media"
      width={W}
      height={H}
      title={t('chart_media_title')}
      summary={fullSummary}
      legend={[
        <li key="rtt" class="legend-rtt">
          {t('media_rtt')}
        </li>,
        <li key="jitter" class="legend-jitter">
          {t('media_jitter')}
        </li>,
        <li key="loss" class="legend-loss">
          {t('chart_loss_per_second')}
        </li>,
        ...(seriesShown
          ? [
              <li key="up">
                <DirectionLegendMark direction="uplink" />
                {`↑ ${t('chart_uplink_seconds', localNumber(up.percent))}`}
              </li>,
              <li key="down">
                <DirectionLegendMark direction="downlink" />
                {`↓ ${t('chart_downlink_seconds', localNumber(down.percent))}`}
              </li>,
            ]
          : both
            ? [
                <li key="up" class="legend-uplink">
                  {t('chart_uplink_run', localNumber(up.percent))}
                </li>,
                <li key="down" class="legend-downlink">
                  {t('chart_downlink_run', localNumber(down.percent))}
                </li>,
              ]
            : []),
      ]}
    >
      {ticks.map((v) => (
        <GridLine key={v} y={yMs(v)} left={LEFT} right={W - RIGHT} label={localNumber(v)} />
      ))}
      <text class="chart-axis-label" x={LEFT - 6} y={TOP - 4} text-anchor="end">
        ms
      </text>
      <text class="chart-axis-label" x={W - RIGHT + 6} y={TOP - 4}>
        %
      </text>
      <text class="chart-grid-text" x={W - RIGHT + 6} y={yLoss(lossMax) + 4}>
        {localNumber(lossMax)}
      </text>
      <text class="chart-grid-text" x={W - RIGHT + 6} y={yLoss(0) + 4}>
        0
      </text>
      {[0, tMax / 2, tMax].map((s) => (
        <text key={s} class="chart-grid-text" x={x(s)} y={H - BOTTOM + 16} text-anchor="middle">
          {localNumber(Math.round(s))}
        </text>
      ))}
      <text class="chart-axis-label" x={(LEFT + W - RIGHT) / 2} y={H - 4} text-anchor="middle">
        {t('chart_seconds')}
      </text>
      {samples.map((s, i) => {
        const l = loss[i];
        if (l === null || l === undefined || l <= 0) return null;
        return (
          <rect
            key={s.t}
            class="chart-loss"
            x={x(s.t) - barW / 2}
            y={yLoss(l)}
            width={barW}
            height={H - BOTTOM - yLoss(l)}
          />
        );
      })}
      {both && labelY ? (
        <g class="chart-directions">
          <line class="chart-uplink" x1={LEFT} x2={W - RIGHT} y1={yLoss(up.percent)} y2={yLoss(up.percent)} />
          <line
            class="chart-downlink"
            x1={LEFT}
            x2={W - RIGHT}
            y1={yLoss(down.percent)}
            y2={yLoss(down.percent)}
          />
          <text class="chart-direction-label" x={W - RIGHT - 4} y={labelY.up} text-anchor="end">
            {`↑ ${t('unit_percent', localNumber(up.percent))}`}
          </text>
          <text class="chart-direction-label" x={W - RIGHT - 4} y={labelY.down} text-anchor="end">
            {`↓ ${t('unit_percent', localNumber(down.percent))}`}
          </text>
        </g>
      ) : null}
      {seriesShown
        ? (['uplink', 'downlink'] as const).map((d) => (
            <DirectionSeries key={d} seconds={perSecond} direction={d} x={x} y={yLoss} />
          ))
        : null}
      <path
        class="chart-rtt"
        d={linePath(samples.map((s) => [x(s.t), s.rttMs === null ? null : yMs(s.rttMs)]))}
      />
      <path
        class="chart-jitter"
        d={linePath(samples.map((s) => [x(s.t), s.jitterMs === null ? null : yMs(s.jitterMs)]))}
      />
    </ChartFigure>
  );
}
