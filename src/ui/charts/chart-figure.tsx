import type { ComponentChildren } from 'preact';

/** A horizontal grid line with its value at the left axis. */
export function GridLine(props: { y: number; left: number; right: number; label: string }) {
  return (
    <g class="chart-grid">
      <line x1={props.left} x2={props.right} y1={props.y} y2={props.y} />
      <text x={props.left - 6} y={props.y + 4} text-anchor="end">
        {props.label}
      </text>
    </g>
  );
}

/**
 * A chart as the report page shows it: the SVG as one image named by its title and described by the summary
 * sentence under it (what a screen reader reads), and a legend for sighted readers.
 */
export function ChartFigure(props: {
  id: string;
  width: number;
  height: number;
  title: string;
  summary: string;
  legend: ComponentChildren;
  children: ComponentChildren;
}) {
  const { id } = props;
  return (
    <figure class="chart" data-chart={id}>
      <svg
        viewBox={`0 0 ${props.width} ${props.height}`}
        role="img"
        aria-labelledby={`${id}-chart-title`}
        aria-describedby={`${id}-chart-summary`}
      >
        <title id={`${id}-chart-title`}>{props.title}</title>
        {props.children}
      </svg>
      <figcaption>
        <ul class="chart-legend" aria-hidden="true">
          {props.legend}
        </ul>
        <p id={`${id}-chart-summary`} class="chart-summary">
          {props.summary}
        </p>
      </figcaption>
    </figure>
  );
}
