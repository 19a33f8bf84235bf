/**
 * A small Prometheus registry: counters, gauges and histograms, rendered in the text exposition format
 * (version 0.0.4). Hand-written rather than prom-client: the relay needs a dozen metrics, and this keeps
 * the one rule that matters here in code: label values come from fixed sets (reasons, status codes), never
 * from clients. Every label value must look like a reason (lower-case letters, digits, '-', '_'); anything
 * else, an address or an id, is rendered as "other". Pure: values in, text out.
 */

export type Labels = Readonly<Record<string, string>>;

const NAME = /^[a-z_][a-z0-9_]*$/;
const LABEL_VALUE = /^[a-z0-9_-]{1,40}$/;

function safeValue(value: string): string {
  return LABEL_VALUE.test(value) ? value : 'other';
}

function labelText(names: readonly string[], labels: Labels | undefined): string {
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${safeValue(labels?.[n] ?? '')}"`).join(',')}}`;
}

function num(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(x);
}

interface Metric {
  readonly name: string;
  render(): string[];
}

export class Counter implements Metric {
  readonly name: string;
  private readonly labelNames: readonly string[];
  private readonly values = new Map<string, number>();

  constructor(name: string, labelNames: readonly string[] = []) {
    this.name = name;
    this.labelNames = labelNames;
  }

  inc(labels?: Labels, by = 1): void {
    const key = labelText(this.labelNames, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** The current value for these labels (0 if never incremented). */
  get(labels?: Labels): number {
    return this.values.get(labelText(this.labelNames, labels)) ?? 0;
  }

  render(): string[] {
    if (this.values.size === 0 && this.labelNames.length === 0) return [`${this.name} 0`];
    return [...this.values].map(([key, v]) => `${this.name}${key} ${num(v)}`);
  }
}

/** A value read when scraped, optionally one per label set (counts kept elsewhere, process figures). */
export class Collected implements Metric {
  readonly name: string;
  private readonly read: () => number | ReadonlyArray<readonly [Labels, number]>;
  private readonly labelNames: readonly string[];

  constructor(
    name: string,
    read: () => number | ReadonlyArray<readonly [Labels, number]>,
    labelNames: readonly string[] = [],
  ) {
    this.name = name;
    this.read = read;
    this.labelNames = labelNames;
  }

  render(): string[] {
    const v = this.read();
    if (typeof v === 'number') return [`${this.name} ${num(v)}`];
    return v.map(([labels, x]) => `${this.name}${labelText(this.labelNames, labels)} ${num(x)}`);
  }
}

export class Histogram implements Metric {
  readonly name: string;
  private readonly buckets: readonly number[];
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(name: string, buckets: readonly number[]) {
    this.name = name;
    this.buckets = buckets;
    this.counts = buckets.map(() => 0);
  }

  observe(x: number): void {
    this.sum += x;
    this.count++;
    this.buckets.forEach((le, i) => {
      if (x <= le) this.counts[i] = (this.counts[i] as number) + 1;
    });
  }

  render(): string[] {
    return [
      ...this.buckets.map((le, i) => `${this.name}_bucket{le="${le}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${num(this.sum)}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

type Kind = 'counter' | 'gauge' | 'histogram';

export class Registry {
  private readonly metrics: Array<{ metric: Metric; help: string; kind: Kind }> = [];

  private add<M extends Metric>(metric: M, help: string, kind: Kind): M {
    if (!NAME.test(metric.name)) throw new Error(`bad metric name ${metric.name}`);
    if (this.metrics.some((m) => m.metric.name === metric.name)) {
      throw new Error(`metric ${metric.name} registered twice`);
    }
    this.metrics.push({ metric, help, kind });
    return metric;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    for (const l of labelNames) if (!NAME.test(l)) throw new Error(`bad label name ${l}`);
    return this.add(new Counter(name, labelNames), help, 'counter');
  }

  /** A counter whose value lives elsewhere and is read at scrape time. */
  collectedCounter(
    name: string,
    help: string,
    read: () => number | ReadonlyArray<readonly [Labels, number]>,
    labelNames: readonly string[] = [],
  ): void {
    this.add(new Collected(name, read, labelNames), help, 'counter');
  }

  gauge(name: string, help: string, read: () => number): void {
    this.add(new Collected(name, read), help, 'gauge');
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, buckets), help, 'histogram');
  }

  /** The exposition text, served as `text/plain; version=0.0.4`. */
  render(): string {
    const lines: string[] = [];
    for (const { metric, help, kind } of this.metrics) {
      lines.push(`# HELP ${metric.name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${metric.name} ${kind}`);
      lines.push(...metric.render());
    }
    return `${lines.join('\n')}\n`;
  }
}
