import { describe, expect, it } from 'vitest';
import {
  chronological,
  linePath,
  lossPerSecond,
  niceMax,
  range,
  yScale,
} from '../../../src/ui/charts/geometry.ts';
import { csvField, historyCsv, historyFileName } from '../../../src/ui/history-export.ts';
import { report } from '../../fakes/report.ts';

const sample = (t: number, packetsReceived: number, packetsLost: number) => ({
  t,
  packetsReceived,
  packetsLost,
  jitterMs: 2,
  rttMs: 10,
});

describe('chart geometry', () => {
  it('turns the cumulative counters into loss per second', () => {
    const loss = lossPerSecond([sample(1, 50, 0), sample(2, 95, 5), sample(3, 95, 5), sample(4, 145, 5)]);
    expect(loss).toEqual([0, 10, null, 0]);
  });

  it('rounds the axis top up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0, 10)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(41)).toBe(50);
    expect(niceMax(51)).toBe(100);
    expect(niceMax(0.3)).toBe(1);
  });

  it('maps values onto the plot upwards and clips at the top', () => {
    const y = yScale(100, 10, 110);
    expect(y(0)).toBe(110);
    expect(y(50)).toBe(60);
    expect(y(500)).toBe(10);
  });

  it('lifts the pen where a second has no value', () => {
    expect(
      linePath([
        [0, 5],
        [1, 6],
        [2, null],
        [3, 7],
        [4, 8],
      ]),
    ).toBe('M0 5L1 6M3 7L4 8');
    expect(linePath([[0, null]])).toBe('');
  });

  it('finds the range of what was measured', () => {
    expect(range([null, 3, 1, null])).toEqual({ min: 1, max: 3 });
    expect(range([null])).toBeNull();
  });

  it('orders the history oldest first', () => {
    const a = report({ runId: 'a', finishedAt: '2026-01-02T00:00:00.000Z' });
    const b = report({ runId: 'b', finishedAt: '2026-01-01T00:00:00.000Z' });
    expect(chronological([a, b]).map((r) => r.runId)).toEqual(['b', 'a']);
  });
});

describe('history export', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, "b"')).toBe('"a, ""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(csvField(4.4)).toBe('4.4');
  });

  it('writes one row a run under a header, with the media figures', () => {
    const r = report({ runId: 'run-9', headline: 'Ready, all good' });
    const lines = historyCsv([r]).split('\r\n');
    expect(lines[0]).toBe(
      'finishedAt,runId,verdict,interrupted,mos,rttMs,jitterMs,lossPercent,transport,relayUrl,headline',
    );
    const row = lines[1]?.split(',') ?? [];
    expect(row.slice(0, 4)).toEqual([r.finishedAt, 'run-9', 'ready', 'false']);
    expect(row[4]).toBe(String(r.media?.mos));
    expect(lines[1]).toContain('"Ready, all good"');
    expect(lines[2]).toBe('');
  });

  it('names the files by day', () => {
    expect(historyFileName('2026-12-02', 'csv')).toBe('secure-voice-check-history-2026-12-02.csv');
  });
});
