/** A CheckContext with a scripted fetch and net-error reports, for unit tests of the checks above the browser. */
import type { CheckContext } from '../../src/checks/context.ts';
import type { Route } from '../../src/protocol/report.ts';

export function fakeContext(opts: {
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  netErrors?: Record<string, string>;
  /** What the browser says about how each URL was reached (a proxy, an address). */
  routes?: Record<string, Route>;
  WebSocket?: typeof WebSocket;
}): CheckContext {
  return {
    fetch: ((url: string, init?: RequestInit) =>
      (opts.fetch ?? (() => Promise.reject(new TypeError('Failed to fetch'))))(
        String(url),
        init,
      )) as typeof fetch,
    WebSocket: opts.WebSocket ?? (class {} as unknown as typeof WebSocket),
    now: () => performance.now(),
    netErrors: {
      errorFor: async (url) => opts.netErrors?.[url],
      ...(opts.routes ? { routeFor: async (url: string) => opts.routes?.[url] } : {}),
    },
  };
}

/** A fetch that never answers until aborted, like a firewall that drops packets. */
export function blackholeFetch(url: string, init?: RequestInit): Promise<Response> {
  return new Promise((_, reject) => {
    init?.signal?.addEventListener('abort', () => reject(new DOMException(`aborted ${url}`, 'AbortError')));
  });
}

/** A response body that never ends (a hostile relay): 4 KiB chunks of "x" for as long as they are read. */
export function endlessBody(): { stream: ReadableStream<Uint8Array>; sent(): number; cancelled(): boolean } {
  let sent = 0;
  let cancelled = false;
  const chunk = new Uint8Array(4096).fill(0x78);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, sent: () => sent, cancelled: () => cancelled };
}
