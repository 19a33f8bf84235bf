/**
 * The browser side of the relay's media signaling: one WSS connection, messages validated with the shared
 * schema and dispatched as they come (trickle ICE arrives at any time).
 */
import {
  type IceCandidate,
  type MediaCounts,
  parseJson,
  ServerMessage,
  type StandIn,
} from '../../protocol/relay-messages.ts';
import type { SocketSession } from '../ws-session.ts';

type Server = ServerMessage;

export interface SignalingEvents {
  /** standsFor: the provider's range the session's port stands in for, when the relay said (a relay on high ports). */
  onAnswer(sdp: string, standsFor: StandIn | null): void;
  onCandidate(c: IceCandidate): void;
  /** The relay's answer to media-counts: what it received of this session. */
  onCounts?(counts: MediaCounts): void;
  /** The relay ended the session or closed the socket; `why` is the relay's reason or 'closed'. */
  onGone(why: string, detail?: Extract<Server, { type: 'error' }>): void;
}

/** Reads messages until the socket closes. Returns when it does. */
export async function pumpSignaling(session: SocketSession, events: SignalingEvents): Promise<void> {
  for (;;) {
    const text = await session.next(60_000);
    if (text === null) {
      if (session.closed()) {
        events.onGone('closed');
        return;
      }
      continue;
    }
    const parsed = parseJson(ServerMessage, text);
    if (!parsed.ok) continue;
    const msg = parsed.value;
    switch (msg.type) {
      case 'answer':
        events.onAnswer(msg.sdp, msg.standsFor ?? null);
        break;
      case 'candidate':
        events.onCandidate(msg.candidate);
        break;
      case 'media-counts':
        events.onCounts?.({
          rtp: msg.rtp,
          probes: msg.probes,
          ...(msg.perSecond ? { perSecond: msg.perSecond } : {}),
          ...(msg.dtls ? { dtls: msg.dtls } : {}),
        });
        break;
      case 'session-ended':
        events.onGone(msg.reason);
        break;
      case 'error':
        events.onGone(msg.code, msg);
        break;
      default:
        break;
    }
  }
}
