import { t } from '../../platform/i18n.ts';
import type { MediaSample } from '../../protocol/report.ts';
import { localNumber } from '../check-text.ts';
import { ChartFigure, GridLine } from './chart-figure.tsx';
import { linePath, lossPerSecond, niceMax, range, yScale } from './geometry.ts';

const W = 640;
const H = 220;
const LEFT = 48;
const RIGHT = 48;
const TOP = 14;
const BOTTOM = 34;

/**
 * The extended check second by second: round trip and jitter as lines (ms, left axis), loss as bars (%, right
 * axis). Lines differ in dash as well as colour; the colours are the theme's, so it reads in light and dark.
 * Screen readers get the title and a one-sentence summary; the table under it lists every second.
 */
export function MediaChart({ samples }: { samples: readonly MediaSample[] }) {
  const loss = lossPerSecond(samples);
  const rtt = range(samples.map((s) => s.rttMs));
  const jitter = range(samples.map((s) => s.jitterMs));
  const msMax = niceMax(Math.max(rtt?.max ?? 0, jitter?.max ?? 0), 10);
  const lossMax = niceMax(range(loss)?.max ?? 0, 5);
  const tMax = Math.max(1, samples.at(-1)?.t ?? 1);
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
  const ticks = [0, msMax / 2, msMax];
  return (
    <ChartFigure
      id="media"
      width={W}
      height={H}
      title={t('chart_media_title')}
      summary={summary}
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
