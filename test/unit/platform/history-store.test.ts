import { describe, expect, it, vi } from 'vitest';
import {
  appendToHistory,
  HISTORY_KEY,
  HISTORY_LIMIT,
  loadHistory,
  onHistoryChange,
  parseHistory,
  withReport,
} from '../../../src/platform/history-store.ts';
import type { StorageEvents } from '../../../src/platform/storage-area.ts';
import { report } from '../../fakes/report.ts';
import { memoryArea } from './memory-area.ts';

const run = (n: number) =>
  report({ runId: `run-${n}`, finishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString() });

describe('history store', () => {
  it('is empty when nothing was stored', async () => {
    expect(await loadHistory(memoryArea())).toEqual([]);
  });

  it('keeps reports newest first', async () => {
    const area = memoryArea();
    await appendToHistory(area, run(1));
    await appendToHistory(area, run(2));
    await appendToHistory(area, run(3));
    expect((await loadHistory(area)).map((r) => r.runId)).toEqual(['run-3', 'run-2', 'run-1']);
  });

  it(`keeps only the last ${HISTORY_LIMIT}`, async () => {
    const area = memoryArea();
    for (let i = 1; i <= HISTORY_LIMIT + 5; i++) await appendToHistory(area, run(i));
    const ids = (await loadHistory(area)).map((r) => r.runId);
    expect(ids).toHaveLength(HISTORY_LIMIT);
    expect(ids[0]).toBe(`run-${HISTORY_LIMIT + 5}`);
    expect(ids.at(-1)).toBe('run-6');
  });

  it('replaces a run recorded twice instead of listing it twice', () => {
    const updated = { ...run(1), headline: 'second write' };
    expect(withReport([run(2), run(1)], updated).map((r) => [r.runId, r.headline])).toEqual([
      ['run-1', 'second write'],
      ['run-2', run(2).headline],
    ]);
  });

  it('drops invalid entries on read and keeps the valid ones', async () => {
    const area = memoryArea({
      [HISTORY_KEY]: [run(2), { runId: 'broken' }, null, { ...run(1), schemaVersion: 99 }, run(0)],
    });
    expect((await loadHistory(area)).map((r) => r.runId)).toEqual(['run-2', 'run-0']);
    expect(parseHistory('not a list')).toEqual([]);
    await appendToHistory(area, run(3));
    expect(area.data[HISTORY_KEY]).toHaveLength(3);
  });

  it('announces validated changes of storage.local only', () => {
    let handler: Parameters<StorageEvents['addListener']>[0] = () => undefined;
    const events: StorageEvents = {
      addListener: (cb) => {
        handler = cb;
      },
      removeListener: vi.fn(),
    };
    const listener = vi.fn();
    const stop = onHistoryChange(events, listener);
    handler({ [HISTORY_KEY]: { newValue: [run(1), 'junk'] } }, 'local');
    handler({ [HISTORY_KEY]: { newValue: [run(2)] } }, 'sync');
    handler({ other: { newValue: 1 } }, 'local');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]?.[0].map((r: { runId: string }) => r.runId)).toEqual(['run-1']);
    stop();
    expect(events.removeListener).toHaveBeenCalledWith(handler);
  });
});
