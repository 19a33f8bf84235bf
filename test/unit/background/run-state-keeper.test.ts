import { describe, expect, it } from 'vitest';
import { createRunStateKeeper } from '../../../src/background/run-state-keeper.ts';
import { IDLE } from '../../../src/platform/run-store.ts';
import type { RunState } from '../../../src/protocol/runtime-messages.ts';
import { passedCheck } from '../../fakes/report.ts';

/** A storage write the test lets through by hand, like a slow disk. */
function slowStore(initial: RunState = IDLE) {
  const stored: RunState[] = [];
  const pending: Array<() => void> = [];
  return {
    stored,
    load: async () => initial,
    save: (s: RunState) =>
      new Promise<void>((resolve) => {
        pending.push(() => {
          stored.push(s);
          resolve();
        });
      }),
    /** Lets the oldest waiting write land. */
    release: async () => {
      while (pending.length === 0) await new Promise((r) => setTimeout(r, 1));
      pending.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    },
  };
}

const running = (s: RunState): RunState => ({ ...s, status: 'running', runId: 'r1', progress: [] });
const withResult =
  (id: string) =>
  (s: RunState): RunState => ({ ...s, progress: [...s.progress, passedCheck(id)] });

describe('run state keeper', () => {
  it('shows each result to the open pages before its storage write has landed', async () => {
    const store = slowStore();
    const published: RunState[] = [];
    const keeper = createRunStateKeeper({ ...store, publish: (s) => published.push(s), fallback: IDLE });
    void keeper.update(running);
    void keeper.update(withResult('relay-https'));
    await new Promise((r) => setTimeout(r, 5));
    // Nothing is stored yet, and the popup already has the HTTPS result.
    expect(store.stored).toEqual([]);
    expect(published.map((s) => s.progress.map((p) => p.id))).toEqual([[], ['relay-https']]);
    expect((await keeper.current()).progress.map((p) => p.id)).toEqual(['relay-https']);
  });

  it('stores every change, in the order made, and resolves each once stored', async () => {
    const store = slowStore();
    const keeper = createRunStateKeeper({ ...store, publish: () => undefined, fallback: IDLE });
    let firstStored = false;
    void keeper.update(running).then(() => {
      firstStored = true;
    });
    void keeper.update(withResult('relay-https'));
    void keeper.update(withResult('relay-wss'));
    await new Promise((r) => setTimeout(r, 5));
    expect(firstStored).toBe(false);
    await store.release();
    expect(firstStored).toBe(true);
    await store.release();
    await store.release();
    expect(store.stored.map((s) => s.progress.map((p) => p.id))).toEqual([
      [],
      ['relay-https'],
      ['relay-https', 'relay-wss'],
    ]);
  });

  it('writes the history after the state that holds its report', async () => {
    const store = slowStore();
    const keeper = createRunStateKeeper({ ...store, publish: () => undefined, fallback: IDLE });
    const order: string[] = [];
    void keeper.update(running).then(() => order.push('state'));
    const history = keeper.afterStores(async () => void order.push('history'));
    await store.release();
    await history;
    expect(order).toEqual(['state', 'history']);
  });

  it('starts from the stored state, or idle when it cannot be read', async () => {
    const stored: RunState = { ...IDLE, runId: 'old', status: 'running', startedAt: 'x' };
    const kept = createRunStateKeeper({
      load: async () => stored,
      save: async () => undefined,
      publish: () => undefined,
      fallback: IDLE,
    });
    expect((await kept.current()).runId).toBe('old');
    const unreadable = createRunStateKeeper({
      load: () => Promise.reject(new Error('storage gone')),
      save: async () => undefined,
      publish: () => undefined,
      fallback: IDLE,
    });
    expect(await unreadable.current()).toEqual(IDLE);
  });

  it('keeps going after a failed storage write and a change that throws', async () => {
    let fail = true;
    const stored: RunState[] = [];
    const keeper = createRunStateKeeper({
      load: async () => IDLE,
      save: async (s) => {
        if (fail) {
          fail = false;
          throw new Error('quota');
        }
        stored.push(s);
      },
      publish: () => undefined,
      fallback: IDLE,
    });
    await expect(keeper.update(running)).rejects.toThrow('quota');
    await expect(
      keeper.update(() => {
        throw new Error('bad change');
      }),
    ).rejects.toThrow('bad change');
    await keeper.update(withResult('relay-https'));
    expect(stored.at(-1)?.progress.map((p) => p.id)).toEqual(['relay-https']);
    expect(stored.at(-1)?.status).toBe('running');
  });
});
