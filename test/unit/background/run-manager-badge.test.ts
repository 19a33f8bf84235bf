import { describe, expect, it } from 'vitest';
import { createRunManager, type RunManagerDeps } from '../../../src/background/run-manager.ts';
import type { Browser } from '../../../src/platform/browser-api.ts';
import type { RunState } from '../../../src/protocol/runtime-messages.ts';
import { memoryArea } from '../platform/memory-area.ts';

/**
 * CI once read the run state as ended while the toolbar badge still said "…": whoever sees a run ended must find
 * the badge already saying how it went. The interrupted-run path is driven here; the normal end uses the same order.
 */
describe('run manager and the toolbar badge', () => {
  it('sets the badge before the state says the run ended', async () => {
    const running: RunState = {
      status: 'running',
      runId: '11111111-1111-4111-8111-111111111111',
      startedAt: '2026-01-01T00:00:00.000Z',
      progress: [],
      last: null,
    };
    const area = memoryArea({ runState: running });
    let badge = '…';
    const badgeWhenEnded: string[] = [];
    const set = area.set.bind(area);
    area.set = async (items) => {
      const state = (items as { runState?: RunState }).runState;
      if (state?.status === 'idle') badgeWhenEnded.push(badge);
      await set(items);
    };
    const noop = { addListener() {}, removeListener() {} };
    const api = {
      storage: { local: area, onChanged: noop },
      runtime: { getManifest: () => ({ version: '1.0.0' }), getURL: (p: string) => p },
      action: {
        setBadgeText: async ({ text }: { text: string }) => {
          badge = text;
        },
        setBadgeBackgroundColor: async () => undefined,
        setTitle: async () => undefined,
      },
      i18n: { getMessage: () => '' },
    } as unknown as Browser;
    const manager = createRunManager({
      api,
      now: () => 0,
      browserName: 'test',
      publish: () => undefined,
    } as unknown as RunManagerDeps);
    await manager.recoverInterrupted();
    expect((await manager.state()).status).toBe('idle');
    expect(badgeWhenEnded).toEqual(['?']);
  });
});
