/**
 * The history keeps a run's relay comparison, and its CSV and JSON exports carry it: per relay its name,
 * host, figures, and whether it is the configured and the recommended one.
 */
import { describe, expect, it } from 'vitest';
import { parseHistory, withReport } from '../../../src/platform/history-store.ts';
import { historyCsv, historyJson } from '../../../src/ui/history-export.ts';
import { regions, report } from '../../fakes/report.ts';

const compared = report({ runId: 'run-compared', regions: regions() });
const plain = report({ runId: 'run-plain', finishedAt: '2026-11-21T11:00:00.000Z' });

describe('history with relays compared', () => {
  it('keeps the comparison in the stored entry', () => {
    const [entry] = parseHistory(JSON.parse(JSON.stringify(withReport([], compared))));
    expect(entry?.regions?.recommended).toBe('https://fra.relay.example:8443');
    expect(entry?.regions?.relays.map((r) => [r.name, r.primary, r.mos])).toEqual([
      ['Frankfurt', false, 4.41],
      ['Paris', true, 2.93],
    ]);
  });

  it('writes each relay as a column group in the CSV, best first, and leaves runs without a comparison blank', () => {
    const lines = historyCsv([compared, plain]).split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    expect(header.slice(11)).toEqual([
      'recommendedRelay',
      ...['Name', 'Host', 'Configured', 'Recommended', 'RttMs', 'LossPercent', 'JitterMs', 'Mos'].map(
        (f) => `relay1${f}`,
      ),
      ...['Name', 'Host', 'Configured', 'Recommended', 'RttMs', 'LossPercent', 'JitterMs', 'Mos'].map(
        (f) => `relay2${f}`,
      ),
    ]);
    const row = (line: string | undefined) => {
      const cells = line?.split(',') ?? [];
      return cells.slice(cells.length - 17);
    };
    expect(row(lines[1])).toEqual([
      'Frankfurt',
      ...['Frankfurt', 'fra.relay.example:8443', 'false', 'true', '18', '0', '1.2', '4.41'],
      ...['Paris', 'relay.example:8443', 'true', 'false', '9', '15.2', '2.5', '2.93'],
    ]);
    expect(row(lines[2])).toEqual(Array(17).fill(''));
    expect(lines[0]?.split(',').length).toBe(lines[2]?.split(',').length);
  });

  it('adds no columns when no run compared relays', () => {
    expect(historyCsv([plain]).split('\r\n')[0]).toBe(
      'finishedAt,runId,verdict,interrupted,mos,rttMs,jitterMs,lossPercent,transport,relayUrl,headline',
    );
  });

  it('names each relay’s host and the recommended one in the JSON export', () => {
    const [run, other] = JSON.parse(historyJson([compared, plain]));
    expect(run.regions.relays).toEqual([
      expect.objectContaining({
        name: 'Frankfurt',
        host: 'fra.relay.example:8443',
        recommended: true,
        primary: false,
        rttMs: 18,
        lossPercent: 0,
        jitterMs: 1.2,
        mos: 4.41,
      }),
      expect.objectContaining({
        name: 'Paris',
        host: 'relay.example:8443',
        recommended: false,
        primary: true,
      }),
    ]);
    expect(run.regions.summary).toMatch(/^Recommended relay: Frankfurt/);
    expect(other.regions).toBeUndefined();
    // Still a report as stored: the history reads it back.
    expect(parseHistory([run])[0]?.regions?.relays).toHaveLength(2);
  });
});
