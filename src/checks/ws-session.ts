/**
 * A WebSocket as an awaitable message queue with time limits, so checks read like a script and can never hang
 * on a socket that stops talking.
 */
import { parseJson, ServerMessage } from '../protocol/relay-messages.ts';
import type { CheckContext } from './context.ts';

export interface SocketSession {
  /** Next text message, or null when the time limit passes or the socket closes. */
  next(timeoutMs: number): Promise<string | null>;
  send(text: string): boolean;
  closed(): boolean;
  close(): void;
}

export type OpenResult =
  | { ok: true; session: SocketSession }
  | { ok: false; timedOut: boolean; closeCode: number | null };

export function openSocket(
  ctx: Pick<CheckContext, 'WebSocket'>,
  url: string,
  timeoutMs: number,
): Promise<OpenResult> {
  return new Promise((resolve) => {
    const ws = new ctx.WebSocket(url);
    const queue: string[] = [];
    let waiter: ((m: string | null) => void) | null = null;
    let isClosed = false;
    let settled = false;

    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      ws.close();
      resolve({ ok: false, timedOut: true, closeCode: null });
    }, timeoutMs);

    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      if (waiter) {
        const w = waiter;
        waiter = null;
        w(ev.data);
      } else queue.push(ev.data);
    };
    ws.onclose = (ev) => {
      isClosed = true;
      if (waiter) {
        const w = waiter;
        waiter = null;
        w(null);
      }
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ ok: false, timedOut: false, closeCode: ev.code });
      }
    };
    ws.onopen = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        ok: true,
        session: {
          next: (ms) =>
            new Promise((res) => {
              const queued = queue.shift();
              if (queued !== undefined) return res(queued);
              if (isClosed) return res(null);
              const t = setTimeout(() => {
                waiter = null;
                res(null);
              }, ms);
              waiter = (m) => {
                clearTimeout(t);
                res(m);
              };
            }),
          send: (text) => {
            if (ws.readyState !== ws.OPEN) return false;
            ws.send(text);
            return true;
          },
          closed: () => isClosed,
          close: () => ws.close(),
        },
      });
    };
  });
}

/**
 * The relay's next message of one of these types, or its error message, skipping anything else; null when
 * the time limit passes or the socket closes.
 */
export async function nextReply<T extends ServerMessage['type']>(
  ws: SocketSession,
  types: readonly T[],
  timeoutMs: number,
  now: () => number,
): Promise<Extract<ServerMessage, { type: T | 'error' }> | null> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const left = deadline - now();
    if (left <= 0) return null;
    const text = await ws.next(left);
    if (text === null) return null;
    const m = parseJson(ServerMessage, text);
    if (m.ok && ((types as readonly string[]).includes(m.value.type) || m.value.type === 'error'))
      return m.value as Extract<ServerMessage, { type: T | 'error' }>;
  }
}
