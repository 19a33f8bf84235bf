/**
 * Monitor mode in real Chromium: turned on in the options page, a scheduled check lands in the history, and
 * when the relay stops answering the next scheduled check is worse and raises a browser notification. The
 * schedule is shortened through the test-only storage key (seconds instead of minutes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { MONITOR_ALARM, TEST_INTERVAL_KEY } from '../../src/monitor/monitor.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import type { RelayProcess } from './harness/relay-process.ts';

const session = useExtensionSession();
let relay: RelayProcess;
let browser: ExtensionBrowser;
beforeAll(() => {
  ({ relay, browser } = session);
});

type Entry = { runId: string; verdict: string };

const history = () =>
  browser.worker.evaluate(async () => {
    const raw = (await chrome.storage.local.get('history')).history;
    return (Array.isArray(raw) ? raw : []).map((r: Entry) => ({ runId: r.runId, verdict: r.verdict }));
  });

const alarm = (name: string) =>
  browser.worker.evaluate(async (n) => (await chrome.alarms.get(n)) ?? null, name);

async function setMonitor(enabled: boolean): Promise<void> {
  const page = await browser.openPage('options/options.html');
  await page.locator('#relay-url').fill(relay.url);
  const box = page.locator('#monitor-enabled');
  if ((await box.isChecked()) !== enabled) await box.click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  await page.close();
}

describe('monitor mode', () => {
  it('is off by default: no alarm is set', async () => {
    expect(await alarm(MONITOR_ALARM)).toBeNull();
  });

  it('checks on the schedule, and notifies when the verdict gets worse than the last one', async () => {
    await browser.worker.evaluate(
      ([key]) => chrome.storage.local.set({ [key as string]: 4 }),
      [TEST_INTERVAL_KEY],
    );
    await setMonitor(true);
    await expect.poll(() => alarm(MONITOR_ALARM), { timeout: 5000 }).not.toBeNull();

    // A scheduled check against the running relay, with nobody opening the popup.
    await expect
      .poll(async () => (await history()).some((r) => r.verdict === 'ready'), {
        timeout: 60_000,
        interval: 1000,
      })
      .toBe(true);
    expect(await browser.worker.evaluate(() => chrome.notifications.getAll())).toEqual({});

    // The checks recorded so far were against the running relay; on a busy machine one may have read
    // 'degraded' (jitter), and been announced as worse than 'ready': they are not what this test is about.
    const before = new Set((await history()).map((r) => r.runId));
    await relay.stop();
    await expect
      .poll(async () => (await history()).some((r) => r.verdict === 'blocked'), {
        timeout: 60_000,
        interval: 1000,
      })
      .toBe(true);
    // The first check after the relay stopped is the worse one: blocked, or "could not finish" when the relay
    // went away in the middle of it. Only that change is announced; the checks after it are as bad, not worse.
    const after = [...(await history())].reverse().filter((r) => !before.has(r.runId));
    const firstBad = after.find((r) => r.verdict !== 'ready') as Entry;
    expect(['blocked', 'error']).toContain(firstBad.verdict);
    const afterIds = new Set(after.map((r) => r.runId));
    await expect
      .poll(
        async () =>
          Object.keys(await browser.worker.evaluate(() => chrome.notifications.getAll())).filter((id) =>
            afterIds.has(id.replace(/^monitor:/, '')),
          ),
        { timeout: 10_000 },
      )
      .toEqual([`monitor:${firstBad.runId}`]);
  });

  it('clears the schedule when turned off', async () => {
    await setMonitor(false);
    await expect.poll(() => alarm(MONITOR_ALARM), { timeout: 5000 }).toBeNull();
  });
});
