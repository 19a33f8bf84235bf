// @vitest-environment happy-dom
/**
 * The extended check's chart with loss per direction: each second's bars are the round trip, and the run's
 * uplink and downlink are two labelled level lines, named in the text alternative too.
 */
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { LossFigure, LossSecond, MediaLoss, MediaSample } from '../../../src/protocol/report.ts';
import { trianglePath } from '../../../src/ui/charts/direction-series.tsx';
import { directionLabelYs } from '../../../src/ui/charts/geometry.ts';
import { MediaChart } from '../../../src/ui/charts/media-chart.tsx';

afterEach(cleanup);

const samples: MediaSample[] = [1, 2, 3, 4].map((t) => ({
  t,
  packetsReceived: t * 95,
  packetsLost: t * 5,
  jitterMs: 2,
  rttMs: 20,
}));
const figure = (percent: number, low: number, high: number, lost: number): LossFigure => ({
  percent,
  low,
  high,
  lost,
  packets: 400,
});
const loss: MediaLoss = {
  uplink: figure(1.5, 0.7, 3.2, 6),
  downlink: figure(3.6, 2.1, 6, 14),
  roundTrip: figure(5, 3.3, 7.6, 20),
  scored: 'downlink',
};

describe('media chart, loss per direction', () => {
  it('draws the run’s uplink and downlink as labelled lines and names both in the text alternative', () => {
    const { container } = render(<MediaChart samples={samples} loss={loss} />);
    const summary = container.querySelector('.chart-summary')?.textContent ?? '';
    expect(summary).toContain(
      'Loss over the whole run: uplink (this computer to the relay) 1.5 % (95 % range 0.7–3.2 %; 6 of 400 packets lost), downlink (the relay back to this computer) 3.6 % (95 % range 2.1–6 %; 14 of 400 packets lost). The bars show each second’s loss on the round trip, both directions together.'.replace(
        '’',
        "'",
      ),
    );
    expect(container.querySelector('svg')?.getAttribute('aria-describedby')).toBe('media-chart-summary');
    const up = container.querySelector('line.chart-uplink');
    const down = container.querySelector('line.chart-downlink');
    // The % axis tops at 10: 1.5 % sits lower on the plot than 3.6 %.
    expect(Number(up?.getAttribute('y1'))).toBeGreaterThan(Number(down?.getAttribute('y1')));
    const labels = [...container.querySelectorAll('.chart-direction-label')].map((e) => e.textContent);
    expect(labels).toEqual(['↑ 1.5 %', '↓ 3.6 %']);
    const legend = [...container.querySelectorAll('.chart-legend li')].map((e) => e.textContent);
    expect(legend).toContain('Uplink, whole run: 1.5 %');
    expect(legend).toContain('Downlink, whole run: 3.6 %');
    expect(legend).toContain('Loss in that second (round trip)');
  });

  it('draws no direction lines for a report that has only the round trip', () => {
    const { container } = render(<MediaChart samples={samples} />);
    expect(container.querySelector('.chart-directions')).toBeNull();
    expect(container.querySelector('.chart-summary')?.textContent).not.toContain('uplink');
  });
});

describe('media chart, loss per direction second by second', () => {
  const perSecond: LossSecond[] = [
    { t: 1.1, uplink: 0, downlink: 0 },
    { t: 2.1, uplink: 12.5, downlink: 1 },
    { t: 3.1, uplink: null, downlink: 0 },
    { t: 4.1, uplink: 8, downlink: 0 },
  ];
  const render4 = () => render(<MediaChart samples={samples} loss={loss} perSecond={perSecond} />);

  it('draws both series, told apart by dash and triangle, in place of the run’s level lines', () => {
    const { container } = render4();
    expect(container.querySelector('.chart-directions')).toBeNull();
    const up = container.querySelector('svg[role="img"] .chart-series-uplink');
    const down = container.querySelector('svg[role="img"] .chart-series-downlink');
    // A second without an uplink figure lifts the pen: two strokes, three marks.
    expect(up?.querySelector('path.chart-uplink')?.getAttribute('d')?.match(/M/g)).toHaveLength(2);
    expect(up?.querySelectorAll('.chart-series-mark')).toHaveLength(3);
    expect(down?.querySelector('path.chart-downlink')?.getAttribute('d')?.match(/M/g)).toHaveLength(1);
    expect(down?.querySelectorAll('.chart-series-mark')).toHaveLength(4);
    // The % axis tops at 20 (12.5 % is the highest figure): the 12.5 % uplink mark sits highest.
    const ys = [...(up?.querySelectorAll('.chart-series-mark') ?? [])].map((m) =>
      Number(/M[\d.]+ ([\d.]+)/.exec(m.getAttribute('d') ?? '')?.[1]),
    );
    expect(Math.min(...ys)).toBe(ys[1]);
  });

  it('names both series in the legend and says what they showed in the text alternative', () => {
    const { container } = render4();
    const legend = [...container.querySelectorAll('.chart-legend li')].map((e) => e.textContent);
    expect(legend).toContain('↑ Uplink, each second (whole run: 1.5 %)');
    expect(legend).toContain('↓ Downlink, each second (whole run: 3.6 %)');
    expect(legend).not.toContain('Uplink, whole run: 1.5 %');
    expect(container.querySelectorAll('.chart-legend .legend-series')).toHaveLength(2);
    const summary = container.querySelector('.chart-summary')?.textContent ?? '';
    expect(summary).toContain('Loss over the whole run: uplink (this computer to the relay) 1.5 %');
    expect(summary).toContain(
      'Second by second (4 seconds): uplink loss 0–12.5 %, some loss in 2 of them; downlink loss 0–1 %, some loss in 1 of them.',
    );
  });

  it('points the uplink’s triangles up and the downlink’s down', () => {
    expect(trianglePath('uplink', 10, 10)).toBe('M10 6L14 14L6 14Z');
    expect(trianglePath('downlink', 10, 10)).toBe('M10 14L14 6L6 6Z');
  });
});

describe('directionLabelYs', () => {
  it('puts each label just above its line when they are apart', () => {
    expect(directionLabelYs(150, 100)).toEqual({ up: 146, down: 96 });
  });

  it('stacks the labels when the lines are close or the same, keeping the lower one above its line', () => {
    expect(directionLabelYs(186, 186)).toEqual({ up: 169, down: 182 });
    expect(directionLabelYs(180, 186)).toEqual({ up: 169, down: 182 });
    expect(directionLabelYs(186, 180)).toEqual({ up: 182, down: 169 });
  });
});
