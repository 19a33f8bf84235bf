import type { LossSecond } from '../../protocol/report.ts';
import { linePath } from './geometry.ts';

/**
 * Loss per direction second by second (media.lossPerSecond) on the media chart's % axis: the uplink dashed
 * with upward triangles, the downlink dotted with downward ones, so the two read apart without colour, in
 * light and dark (the theme's colours). A second without a figure lifts the pen.
 */
export type Direction = 'uplink' | 'downlink';

const SIZE = 4;

/** A triangle around (x, y): pointing up for the uplink, down for the downlink. */
export function trianglePath(direction: Direction, x: number, y: number): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  const tip = direction === 'uplink' ? -SIZE : SIZE;
  return `M${r(x)} ${r(y + tip)}L${r(x + SIZE)} ${r(y - tip)}L${r(x - SIZE)} ${r(y - tip)}Z`;
}

export function DirectionSeries(props: {
  seconds: readonly LossSecond[];
  direction: Direction;
  x: (t: number) => number;
  y: (percent: number) => number;
}) {
  const { seconds, direction, x, y } = props;
  const points = seconds.map((s) => [x(s.t), s[direction] === null ? null : y(s[direction])] as const);
  return (
    <g class={`chart-series-${direction}`}>
      <path class={`chart-${direction}`} fill="none" d={linePath(points)} />
      {points.map(([px, py]) =>
        py === null ? null : <path key={px} class="chart-series-mark" d={trianglePath(direction, px, py)} />,
      )}
    </g>
  );
}

/** The legend's sample of a series: a short stretch of its line with its triangle. */
export function DirectionLegendMark({ direction }: { direction: Direction }) {
  return (
    <svg viewBox="0 0 24 12" class="legend-mark legend-series" aria-hidden="true">
      <g class={`chart-series-${direction}`}>
        <path class={`chart-${direction}`} fill="none" d="M0 6L24 6" />
        <path class="chart-series-mark" d={trianglePath(direction, 12, 6)} />
      </g>
    </svg>
  );
}
