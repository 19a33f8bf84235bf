import { describe, expect, it } from 'vitest';
import type { Browser } from '../../../src/platform/browser-api.ts';
import { serveRunState, subscribeRunState } from '../../../src/platform/run-state-port.ts';
import { IDLE } from '../../../src/platform/run-store.ts';
import { RUN_STATE_PORT, type RunState } from '../../../src/protocol/runtime-messages.ts';
import { passedCheck } from '../../fakes/report.ts';

type Listener = (...args: unknown[]) => void;
const event = () => {
  const listeners = new Set<Listener>();
  return {
    listeners,
    addListener: (f: Listener) => void listeners.add(f),
    removeListener: (f: Listener) => void listeners.delete(f),
    emit: (...args: unknown[]) => {
      for (const f of [...listeners]) f(...args);
    },
  };
};

const ORIGIN = 'chrome-extension://svc';

/**
 * One background and its pages in memory: runtime.connect in a page reaches runtime.onConnect in the
 * background with a pair of ports, as in the browser; storage.local and its onChanged are shared.
 */
function extension(stored: RunState = IDLE) {
  const onConnect = event();
  const onChanged = event();
  const data: Record<string, unknown> = { runState: stored };
  const api = {
    runtime: {
      id: 'svc',
      getURL: (p: string) => `${ORIGIN}${p}`,
      onConnect,
      connect: (info: { name: string }) => pagePort(info.name, `${ORIGIN}/popup/popup.html`),
    },
    storage: {
      local: {
        get: async (k: string) => ({ [k]: data[k] }),
        set: async (items: Record<string, unknown>) => {
          Object.assign(data, items);
          for (const [k, v] of Object.entries(items)) onChanged.emit({ [k]: { newValue: v } }, 'local');
        },
      },
      onChanged,
    },
  };
  /** A page's end of a new connection; the background's end goes to onConnect. */
  function pagePort(name: string, url: string) {
    const toPage = event();
    const toBackground = event();
    const pageGone = event();
    const backgroundGone = event();
    const background = {
      name,
      sender: { id: 'svc', url },
      postMessage: (m: unknown) => toPage.emit(structuredClone(m)),
      onMessage: toBackground,
      onDisconnect: pageGone,
      disconnect: () => backgroundGone.emit(),
    };
    const page = {
      name,
      postMessage: (m: unknown) => toBackground.emit(m),
      onMessage: toPage,
      onDisconnect: backgroundGone,
      disconnect: () => pageGone.emit(),
      /** The background went away (service worker stopped). */
      drop: () => backgroundGone.emit(),
    };
    queueMicrotask(() => onConnect.emit(background));
    return page;
  }
  return { api: api as unknown as Browser, pagePort, data };
}

const tick = () => new Promise((r) => setTimeout(r, 1));
const running = (ids: string[]): RunState => ({
  ...IDLE,
  status: 'running',
  runId: 'r1',
  startedAt: '2026-12-03T12:00:00.000Z',
  progress: ids.map((id) => passedCheck(id)),
});

describe('run state pushed to the pages', () => {
  it('gives a page the current state when it opens, then each change as it is published', async () => {
    const { api } = extension();
    let current = running([]);
    const server = serveRunState(api, async () => current);
    const seen: string[][] = [];
    subscribeRunState(api, (s) => seen.push(s.progress.map((p) => p.id)));
    await tick();
    current = running(['relay-https']);
    server.publish(current);
    await tick();
    expect(seen).toEqual([[], ['relay-https']]);
  });

  it('answers no page of another extension or origin, and ignores ports of other names', async () => {
    const { api, pagePort } = extension();
    serveRunState(api, async () => running([]));
    const foreign = pagePort(RUN_STATE_PORT, 'https://evil.example/page.html');
    const got: unknown[] = [];
    let closed = false;
    foreign.onMessage.addListener((m: unknown) => got.push(m));
    foreign.onDisconnect.addListener(() => {
      closed = true;
    });
    const other = pagePort('something-else', `${ORIGIN}/popup/popup.html`);
    other.onMessage.addListener((m: unknown) => got.push(m));
    await tick();
    expect(got).toEqual([]);
    expect(closed).toBe(true);
  });

  it('drops what does not parse as a run state', async () => {
    const { api } = extension();
    const server = serveRunState(api, async () => running([]));
    const seen: RunState[] = [];
    subscribeRunState(api, (s) => seen.push(s));
    await tick();
    server.publish({ status: 'exploded' } as unknown as RunState);
    await tick();
    expect(seen).toHaveLength(1);
  });

  it('follows storage once the background has gone away', async () => {
    const env = extension(running(['relay-https']));
    let page: ReturnType<typeof env.pagePort> | undefined;
    const api = {
      ...env.api,
      runtime: {
        ...env.api.runtime,
        connect: (info: { name: string }) => {
          page = env.pagePort(info.name, `${ORIGIN}/popup/popup.html`);
          return page;
        },
      },
    } as unknown as Browser;
    serveRunState(env.api, async () => running([]));
    const seen: string[][] = [];
    const stop = subscribeRunState(api, (s) => seen.push(s.progress.map((p) => p.id)));
    await tick();
    page?.drop();
    await tick();
    // The stored state, then its changes.
    await env.api.storage.local.set({ runState: running(['relay-https', 'relay-wss']) });
    expect(seen).toEqual([[], ['relay-https'], ['relay-https', 'relay-wss']]);
    stop();
    await env.api.storage.local.set({ runState: running([]) });
    expect(seen).toHaveLength(3);
  });

  it('stops sending to a page that has closed', async () => {
    const { api } = extension();
    const server = serveRunState(api, async () => running([]));
    const seen: RunState[] = [];
    const stop = subscribeRunState(api, (s) => seen.push(s));
    await tick();
    stop();
    server.publish(running(['relay-https']));
    await tick();
    expect(seen).toHaveLength(1);
  });
});
