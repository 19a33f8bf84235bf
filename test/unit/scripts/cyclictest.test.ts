/**
 * bench:relay-cpu's wake-up latency beside the echo delay (scripts/bench/cyclictest.ts): percentiles from
 * cyclictest's histogram, late wake-ups beyond the histogram counted, and a real run on this machine.
 */
import { describe, expect, it } from 'vitest';
import {
  cyclictestUnavailable,
  HISTOGRAM_US,
  parseCyclictest,
  startCyclictest,
} from '../../../scripts/bench/cyclictest.ts';

/** cyclictest -q -h output for `counts` (µs -> wake-ups), as rt-tests 2.x prints it. */
function output(counts: Record<number, number>, overflows: number, max: number): string {
  const lines = ['# Histogram'];
  for (let us = 0; us < 300; us++)
    lines.push(`${String(us).padStart(6, '0')} ${String(counts[us] ?? 0).padStart(6, '0')}`);
  const total = Object.values(counts).reduce((a, n) => a + n, 0) + overflows;
  lines.push(
    `# Total: ${String(total).padStart(9, '0')}`,
    '# Min Latencies: 00010',
    '# Avg Latencies: 00090',
  );
  lines.push(
    `# Max Latencies: ${String(max).padStart(5, '0')}`,
    `# Histogram Overflows: ${String(overflows).padStart(5, '0')}`,
  );
  lines.push('# Histogram Overflow at cycle number:', '# Thread 0:', '');
  return lines.join('\n');
}

describe('cyclictest wake-up latency', () => {
  it('reads p50, p99 and max from the histogram', () => {
    // 1000 wake-ups: 600 at 80 µs, 390 at 120 µs, 10 at 250 µs.
    expect(parseCyclictest(output({ 80: 600, 120: 390, 250: 10 }, 0, 250))).toEqual({
      samples: 1000,
      p50Us: 80,
      p99Us: 120,
      maxUs: 250,
      overflows: 0,
    });
  });

  it('counts wake-ups later than the histogram reaches, so a p99 among them is not understated', () => {
    const late = parseCyclictest(output({ 90: 980 }, 20, 35_000));
    expect(late).toMatchObject({ samples: 1000, p50Us: 90, maxUs: 35_000, overflows: 20 });
    expect(late.p99Us).toBe(HISTOGRAM_US);
  });

  it.skipIf(cyclictestUnavailable() !== null)(
    'runs on CPU 0 at nice 0 until stopped and gives its wake-ups',
    async () => {
      const run = startCyclictest(0, 0);
      await new Promise((r) => setTimeout(r, 500));
      const got = await run.stop();
      expect(got.samples).toBeGreaterThan(0);
      expect(got.p50Us).toBeLessThanOrEqual(got.p99Us);
      expect(got.p99Us).toBeLessThanOrEqual(Math.max(got.maxUs, HISTOGRAM_US));
    },
    20_000,
  );
});
