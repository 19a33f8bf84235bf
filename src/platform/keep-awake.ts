/**
 * Keeps the background alive while a run goes on, for any configured duration.
 *
 * Firefox stops an idle event page after 30 s (`extensions.background.idle.timeout`), and Chrome an idle
 * service worker after 30 s; WebRTC and WebSocket traffic do not count as activity for either, but a call to
 * an extension API does (Firefox resets the idle timer on API calls from the background; Chrome 110 and later
 * extend a service worker's life on each extension API call). So during a run the background calls a cheap,
 * side-effect-free API, `runtime.getPlatformInfo()`, every KEEP_AWAKE_MS, and stops when the run ends: an
 * idle extension is still stopped as usual.
 */
import type { Browser } from './browser-api.ts';

/** Well inside the 30 s idle limit of both browsers, even when a busy machine delays the timer. */
export const KEEP_AWAKE_MS = 10_000;

export interface Timers {
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (id: unknown) => void;
}

const realTimers: Timers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id as ReturnType<typeof setInterval>),
};

/** Starts the keep-alive; call the returned function when the run ends. */
export function keepAwake(api: Pick<Browser, 'runtime'>, timers: Timers = realTimers): () => void {
  const id = timers.setInterval(() => {
    // Only the call matters; a failed one (extension being reloaded) has nothing to keep alive.
    api.runtime.getPlatformInfo().catch(() => undefined);
  }, KEEP_AWAKE_MS);
  return () => timers.clearInterval(id);
}
