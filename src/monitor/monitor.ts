/**
 * Monitor mode in the background: keeps one alarm set while the setting is on, runs the quick check when it
 * fires, and tells the user with a notification when the verdict got worse than the last check on the same
 * network. Results stay in this browser's history; nothing is sent anywhere the user did not choose.
 */
import type { Browser } from '../platform/browser-api.ts';
import { loadHistory } from '../platform/history-store.ts';
import { t } from '../platform/i18n.ts';
import { loadSettings, SETTINGS_KEY } from '../platform/settings-store.ts';
import type { Report } from '../protocol/report.ts';
import { verdictHeadline } from '../ui/check-text.ts';
import { VERDICT_LABEL } from '../ui/format.ts';
import { nextCheckAt, worsenedSince } from './schedule.ts';

export const MONITOR_ALARM = 'monitor-check';

/**
 * For the end-to-end tests only: seconds between checks instead of the minutes of the settings. Nothing in
 * the product writes this key and the options page cannot set it; a test writes it to storage.local.
 */
export const TEST_INTERVAL_KEY = 'monitorTestIntervalSeconds';

const NOTICE_PREFIX = 'monitor:';

export interface MonitorDeps {
  api: Browser;
  /** Runs the quick check to its report; null when a run was already going. */
  runCheck(): Promise<Report | null>;
  now(): number;
  random(): number;
}

/** Milliseconds between checks: the setting, or the test's seconds when a test stored some. */
async function intervalMs(api: Browser, minutes: number): Promise<number> {
  const raw = (await api.storage.local.get(TEST_INTERVAL_KEY))[TEST_INTERVAL_KEY];
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 3600) return raw * 1000;
  return minutes * 60_000;
}

export function createMonitor(deps: MonitorDeps) {
  const { api } = deps;

  /** Sets the next alarm, or clears it when monitor mode is off. `restart` replaces one already set. */
  async function schedule(restart: boolean): Promise<void> {
    const { monitor } = await loadSettings(api);
    if (!monitor.enabled) {
      await api.alarms.clear(MONITOR_ALARM);
      return;
    }
    if (!restart && (await api.alarms.get(MONITOR_ALARM))) return;
    const when = nextCheckAt(deps.now(), await intervalMs(api, monitor.intervalMinutes), deps.random());
    await api.alarms.create(MONITOR_ALARM, { when });
  }

  async function notifyIfWorse(report: Report): Promise<void> {
    const before = worsenedSince(await loadHistory(api.storage.local), report);
    if (!before) return;
    await api.notifications.create(`${NOTICE_PREFIX}${report.runId}`, {
      type: 'basic',
      iconUrl: api.runtime.getURL('icons/icon-128.png'),
      title: t('monitor_notice_title', VERDICT_LABEL[report.verdict], VERDICT_LABEL[before.verdict]),
      message: `${verdictHeadline(report)}\n${t('monitor_notice_open')}`,
    });
  }

  async function onAlarm(alarm: { name: string }): Promise<void> {
    if (alarm.name !== MONITOR_ALARM) return;
    // The next check is set first, so one that fails does not end monitoring.
    await schedule(true);
    const { monitor } = await loadSettings(api);
    if (!monitor.enabled) return;
    const report = await deps.runCheck();
    if (report) await notifyIfWorse(report);
  }

  async function onNoticeClicked(id: string): Promise<void> {
    if (!id.startsWith(NOTICE_PREFIX)) return;
    const runId = id.slice(NOTICE_PREFIX.length);
    await api.tabs.create({ url: api.runtime.getURL(`report/report.html#run=${encodeURIComponent(runId)}`) });
    await api.notifications.clear(id);
  }

  return {
    /**
     * Registers the listeners (at the background's start, so an alarm or a click wakes it) and makes sure
     * the alarm matches the settings; a change of the settings or the policy sets it afresh.
     */
    start(): Promise<void> {
      api.alarms.onAlarm.addListener((a) => void onAlarm(a).catch(() => undefined));
      api.notifications.onClicked.addListener((id) => void onNoticeClicked(id).catch(() => undefined));
      api.storage.onChanged.addListener((changes, area) => {
        if (
          area === 'managed' ||
          (area === 'local' && (SETTINGS_KEY in changes || TEST_INTERVAL_KEY in changes))
        )
          void schedule(true).catch(() => undefined);
      });
      return schedule(false);
    },
    /** Exposed for unit tests. */
    onAlarm,
    onNoticeClicked,
  };
}
