/**
 * The run state pushed to the open pages over a runtime port: each change reaches the popup as it happens,
 * without waiting for the storage write behind it. Storage stays the record: a page whose port closes (the
 * background was stopped) follows storage from then on.
 */
import * as v from 'valibot';
import { RUN_STATE_PORT, RunState } from '../protocol/runtime-messages.ts';
import type { Browser, Runtime } from './browser-api.ts';
import { isOwnPage } from './messaging.ts';
import { loadRunState, onRunStateChange } from './run-store.ts';

/** In the background: sends `current()` to each page that connects, then every state given to `publish`. */
export function serveRunState(api: Browser, current: () => Promise<RunState>) {
  const ports = new Set<Runtime.Port>();
  const post = (port: Runtime.Port, state: RunState) => {
    try {
      port.postMessage(state);
    } catch {
      ports.delete(port); // closed in between
    }
  };
  api.runtime.onConnect.addListener((port) => {
    if (port.name !== RUN_STATE_PORT) return;
    if (!port.sender || !isOwnPage(api, port.sender)) {
      port.disconnect();
      return;
    }
    ports.add(port);
    port.onDisconnect.addListener(() => ports.delete(port));
    // `current()` is the newest change's promise: a change made after this one is posted after it.
    void current().then((state) => ports.has(port) && post(port, state));
  });
  return {
    publish(state: RunState): void {
      for (const port of ports) post(port, state);
    },
  };
}

/**
 * In a page: calls back with each run state the background pushes; once the port closes, with the stored
 * state and its changes. Returns an unsubscribe function.
 */
export function subscribeRunState(api: Browser, listener: (state: RunState) => void): () => void {
  let stopStorage: (() => void) | null = null;
  let closed = false;
  const port = api.runtime.connect({ name: RUN_STATE_PORT });
  port.onMessage.addListener((raw: unknown) => {
    const parsed = v.safeParse(RunState, raw);
    if (parsed.success && !closed && !stopStorage) listener(parsed.output);
  });
  port.onDisconnect.addListener(() => {
    if (closed) return;
    stopStorage = onRunStateChange(api, listener);
    loadRunState(api).then(
      (state) => !closed && listener(state),
      () => undefined,
    );
  });
  return () => {
    closed = true;
    stopStorage?.();
    port.disconnect();
  };
}
