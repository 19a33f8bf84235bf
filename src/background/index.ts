/** Background wiring: the message registry and start-up recovery. Chrome: service worker; Firefox: event page. */

import { createMonitor } from '../monitor/monitor.ts';
import { getBrowser, TARGET } from '../platform/browser.ts';
import { handleMessages } from '../platform/messaging.ts';
import { serveRunState } from '../platform/run-state-port.ts';
import { loadSettings, saveSettings } from '../platform/settings-store.ts';
import { createWebRtcHost } from './media-host.ts';
import { createRunManager } from './run-manager.ts';

const api = getBrowser();
const runs = createRunManager({
  api,
  fetch: globalThis.fetch.bind(globalThis),
  WebSocket: globalThis.WebSocket,
  now: () => performance.now(),
  webrtc: createWebRtcHost(api, (ms) => void runs.mediaFlowing(ms)),
  browserName: `${TARGET} ${navigator.userAgent.match(/(Chrome|Firefox)\/[\d.]+/)?.[0] ?? ''}`.trim(),
  publish: (state) => pages.publish(state),
});
// Registered at the top level, so a page connecting wakes the service worker (event page) and finds it.
const pages = serveRunState(api, () => runs.state());

handleMessages(api, {
  runCheck: async (req) => ({ runId: await runs.start(req.mode) }),
  mediaSample: async () => null,
  mediaFlowing: async (req) => {
    await runs.mediaFlowing(req.firstEchoMs);
    return null;
  },
  getState: () => runs.state(),
  getSettings: () => loadSettings(api),
  saveSettings: async (req) => {
    await saveSettings(api, req.settings);
    return loadSettings(api);
  },
});

void runs.recoverInterrupted();

// Monitor mode: its listeners are registered here, at the top level, so an alarm or a click on its
// notification wakes the service worker (event page) and finds them.
void createMonitor({
  api,
  runCheck: () => runs.startAndWait('quick'),
  now: () => Date.now(),
  random: Math.random,
})
  .start()
  .catch(() => undefined);
