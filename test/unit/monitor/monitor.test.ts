import { describe, expect, it } from 'vitest';
import { createMonitor, MONITOR_ALARM, TEST_INTERVAL_KEY } from '../../../src/monitor/monitor.ts';
import type { Browser } from '../../../src/platform/browser-api.ts';
import { HISTORY_KEY } from '../../../src/platform/history-store.ts';
import { SETTINGS_KEY } from '../../../src/platform/settings-store.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { report } from '../../fakes/report.ts';
import { memoryArea } from '../platform/memory-area.ts';

const NOW = Date.UTC(2026, 0, 1);

/** The browser monitor mode sees: storage in memory, alarms and notifications recorded. */
function fakeBrowser(local: Record<string, unknown>) {
  const alarms = new Map<string, number>();
  const notices = new Map<string, { title: string; message: string }>();
  const opened: string[] = [];
  const noop = { addListener() {}, removeListener() {} };
  const api = {
    storage: { local: memoryArea(local), onChanged: noop },
    runtime: { getURL: (p: string) => `chrome-extension://id/${p}` },
    alarms: {
      create: async (name: string, info: { when: number }) => void alarms.set(name, info.when),
      clear: async (name: string) => alarms.delete(name),
      get: async (name: string) =>
        alarms.has(name) ? { name, scheduledTime: alarms.get(name) as number } : undefined,
      onAlarm: noop,
    },
    notifications: {
      create: async (id: string, o: { title: string; message: string }) => {
        notices.set(id, o);
        return id;
      },
      clear: async (id: string) => notices.delete(id),
      onClicked: noop,
    },
    tabs: { create: async (o: { url: string }) => void opened.push(o.url) },
    i18n: { getMessage: () => '' },
  };
  return { api: api as unknown as Browser, alarms, notices, opened, area: api.storage.local };
}

const on = (extra: object = {}) => ({
  [SETTINGS_KEY]: {
    relayUrl: 'https://relay.example:8443',
    targets: [],
    monitor: { enabled: true },
    ...extra,
  },
});

function monitorWith(local: Record<string, unknown>, result: Report | null) {
  const fake = fakeBrowser(local);
  const monitor = createMonitor({
    api: fake.api,
    now: () => NOW,
    random: () => 0.5,
    // As the run manager does: the report is in the history before the monitor compares.
    runCheck: async () => {
      if (result) {
        const before = (await fake.area.get(HISTORY_KEY))[HISTORY_KEY] as Report[] | undefined;
        await fake.area.set({ [HISTORY_KEY]: [result, ...(before ?? [])] });
      }
      return result;
    },
  });
  return { ...fake, monitor };
}

const ready = report({ runId: 'run-1', verdict: 'ready', startedAt: '2026-01-01T00:00:00.000Z' });
const blocked = report({ runId: 'run-2', verdict: 'blocked', startedAt: '2026-01-01T00:30:00.000Z' });

describe('monitor mode', () => {
  it('sets no alarm while it is off (the default)', async () => {
    const m = monitorWith({ [SETTINGS_KEY]: { relayUrl: 'https://relay.example:8443', targets: [] } }, null);
    await m.monitor.start();
    expect(m.alarms.size).toBe(0);
  });

  it('sets the alarm the interval away when on, and the test interval in seconds when a test stored one', async () => {
    const m = monitorWith(on(), null);
    await m.monitor.start();
    expect(m.alarms.get(MONITOR_ALARM)).toBe(NOW + 30 * 60_000);
    const t = monitorWith({ ...on(), [TEST_INTERVAL_KEY]: 4 }, null);
    await t.monitor.start();
    expect(t.alarms.get(MONITOR_ALARM)).toBe(NOW + 4000);
  });

  it('notifies with both verdicts and the cause when the check is worse than the last one, and opens its report on a click', async () => {
    const m = monitorWith({ ...on(), [HISTORY_KEY]: [ready] }, blocked);
    await m.monitor.onAlarm({ name: MONITOR_ALARM });
    const notice = m.notices.get('monitor:run-2');
    expect(notice?.title).toBe('Voice check got worse: Blocked (was Ready)');
    expect(notice?.message).toContain(blocked.headline);
    expect(m.alarms.has(MONITOR_ALARM)).toBe(true);
    await m.monitor.onNoticeClicked('monitor:run-2');
    expect(m.opened).toEqual(['chrome-extension://id/report/report.html#run=run-2']);
    expect(m.notices.size).toBe(0);
  });

  it('stays quiet when the check is as good as the last one, or a run was already going', async () => {
    const same = monitorWith(
      { ...on(), [HISTORY_KEY]: [ready] },
      { ...ready, runId: 'run-3', startedAt: '2026-01-01T01:00:00.000Z' },
    );
    await same.monitor.onAlarm({ name: MONITOR_ALARM });
    expect(same.notices.size).toBe(0);
    const busy = monitorWith({ ...on(), [HISTORY_KEY]: [ready] }, null);
    await busy.monitor.onAlarm({ name: MONITOR_ALARM });
    expect(busy.notices.size).toBe(0);
  });

  it('runs nothing and clears the alarm when monitor mode was turned off meanwhile', async () => {
    let ran = false;
    const fake = fakeBrowser({ [SETTINGS_KEY]: { relayUrl: 'https://relay.example:8443', targets: [] } });
    fake.alarms.set(MONITOR_ALARM, NOW);
    const monitor = createMonitor({
      api: fake.api,
      now: () => NOW,
      random: () => 0.5,
      runCheck: async () => {
        ran = true;
        return null;
      },
    });
    await monitor.onAlarm({ name: MONITOR_ALARM });
    expect(ran).toBe(false);
    expect(fake.alarms.size).toBe(0);
  });
});
