/**
 * A probe session on the relay's WSS: the relay hands out short-lived ICE credentials and its port map, and
 * afterwards says which source address and port it saw at each UDP probe port (for the NAT classification).
 */

import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { ProbeBinding, ServerMessage } from '../../protocol/relay-messages.ts';
import { wssUrlFor } from '../../protocol/settings.ts';
import type { CheckContext } from '../context.ts';
import { TIMEOUTS } from '../timeouts.ts';
import { nextReply, openSocket, type SocketSession } from '../ws-session.ts';

export type ProbeSessionInfo = Extract<ServerMessage, { type: 'probe-session' }>;

export interface ProbeSession {
  info: ProbeSessionInfo;
  /** A second set of credentials on the same connection (the NAT probe keeps its bindings apart). */
  another(): Promise<ProbeSessionInfo | null>;
  /** The STUN bindings the relay answered for one set of credentials. */
  observed(ufrag: string): Promise<ProbeBinding[]>;
  close(): void;
}

type Opened = { ok: true; session: ProbeSession } | { ok: false; reason: string; message: Message };

/** The next message of this type; null on the relay's error, a time-out or a close. */
async function nextOfType<T extends ServerMessage['type']>(
  ws: SocketSession,
  type: T,
  timeoutMs: number,
  now: () => number,
): Promise<Extract<ServerMessage, { type: T }> | null> {
  const m = await nextReply(ws, [type], timeoutMs, now);
  return m && m.type === type ? (m as Extract<ServerMessage, { type: T }>) : null;
}

export async function openProbeSession(ctx: CheckContext, relayUrl: string): Promise<Opened> {
  const host = new URL(relayUrl).host;
  const opened = await openSocket(ctx, wssUrlFor(relayUrl), TIMEOUTS.wssOpenMs);
  if (!opened.ok) {
    return {
      ok: false,
      reason: 'probe-session-failed',
      message: msg('sum_ports_session_failed', host),
    };
  }
  const ws = opened.session;
  ws.send(JSON.stringify({ type: 'probe-start' }));
  const info = await nextOfType(ws, 'probe-session', TIMEOUTS.wssOpenMs, ctx.now);
  if (!info) {
    ws.close();
    return {
      ok: false,
      reason: 'probe-session-failed',
      message: msg('sum_ports_session_not_started', host),
    };
  }
  return {
    ok: true,
    session: {
      info,
      async another() {
        ws.send(JSON.stringify({ type: 'probe-start', purpose: 'nat' }));
        return nextOfType(ws, 'probe-session', TIMEOUTS.wssOpenMs, ctx.now);
      },
      async observed(ufrag) {
        ws.send(JSON.stringify({ type: 'probe-results', ufrag }));
        const m = await nextOfType(ws, 'probe-observed', TIMEOUTS.wssPingMs, ctx.now);
        return m?.bindings ?? [];
      },
      close: () => ws.close(),
    },
  };
}
