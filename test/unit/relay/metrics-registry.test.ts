import { describe, expect, it } from 'vitest';
import { Registry } from '../../../src/relay/metrics/registry.ts';

describe('metrics registry', () => {
  it('renders counters, collected values, gauges and histograms in the text format', () => {
    const r = new Registry();
    const c = r.counter('x_total', 'Things.', ['reason']);
    c.inc({ reason: 'busy' });
    c.inc({ reason: 'busy' }, 2);
    r.counter('y_total', 'Never counted.');
    r.gauge('g', 'A gauge.', () => 4);
    r.collectedCounter('z_total', 'Kept elsewhere.', () => [[{ reason: 'a' }, 5]], ['reason']);
    const h = r.histogram('h_seconds', 'Durations.', [0.5, 1]);
    h.observe(0.2);
    h.observe(0.7);
    h.observe(3);
    expect(r.render()).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{reason="busy"} 3',
        '# HELP y_total Never counted.',
        '# TYPE y_total counter',
        'y_total 0',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g 4',
        '# HELP z_total Kept elsewhere.',
        '# TYPE z_total counter',
        'z_total{reason="a"} 5',
        '# HELP h_seconds Durations.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="0.5"} 1',
        'h_seconds_bucket{le="1"} 2',
        'h_seconds_bucket{le="+Inf"} 3',
        'h_seconds_sum 3.9',
        'h_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it.each(['192.0.2.1', '2001:db8::1', 'a"b', 'x'.repeat(41), ''])(
    'never renders %j as a label value: anything not shaped like a reason is "other"',
    (value) => {
      const r = new Registry();
      r.counter('x_total', 'Things.', ['reason']).inc({ reason: value });
      expect(r.render()).toContain('x_total{reason="other"} 1');
    },
  );

  it('refuses bad and duplicate names', () => {
    const r = new Registry();
    r.counter('a_total', 'A.');
    expect(() => r.counter('a_total', 'Again.')).toThrow(/twice/);
    expect(() => r.counter('a-b', 'Bad.')).toThrow(/bad metric name/);
    expect(() => r.counter('b_total', 'Bad label.', ['client-ip'])).toThrow(/bad label name/);
  });
});
