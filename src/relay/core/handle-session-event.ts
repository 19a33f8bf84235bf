/**
 * What the media session, the clock and the process tell a connection, without sockets: the answer and
 * local candidates to forward, DTLS connecting, failures, deadlines, shutdown and the client going away.
 */
import type { IceCandidate, StandIn } from '../../protocol/relay-messages.ts';
import {
  type Action,
  type ConnectionState,
  endAfterConnect,
  hasLiveSession,
  refuse,
  type Step,
} from './connection-state.ts';

export type SessionEvent =
  | { type: 'answer'; sdp: string; standsFor?: StandIn }
  | { type: 'local-candidate'; candidate: IceCandidate }
  /** DTLS is connected: media can flow, and the setup deadline no longer applies. */
  | { type: 'connected' }
  /** The peer connection failed (werift error, ICE or DTLS failure). */
  | { type: 'failed'; message: string }
  /** No port or session slot is free, or the session's port turned out to be held by another process. */
  | { type: 'busy'; retryAfterS: number }
  /**
   * This client address already has as many sessions as it may hold at once ('concurrent'), or has started
   * as many as it may in a minute ('starts').
   */
  | { type: 'rate-limited'; why: 'concurrent' | 'starts'; retryAfterS: number }
  /** The client sent more than the per-session bitrate cap (see bitrate-cap.ts). */
  | { type: 'over-bitrate' };

const ignore = (state: ConnectionState): Step => ({ state, actions: [] });

/** A private-use close code (RFC 6455 §7.4.2: 4000-4999), so a client can tell "idle" from a protocol error. */
export const IDLE_CLOSE_CODE = 4000;

/** Tells the client the session is over and ends it; the connection stays open for the client to close. */
function endWithNotice(
  state: ConnectionState,
  reason: 'duration' | 'setup-timeout' | 'shutdown' | 'error' | 'rate-limited',
): Step {
  return {
    state: { ...state, phase: 'ended' },
    actions: [
      { kind: 'send', message: { type: 'session-ended', reason } },
      { kind: 'end-session', reason },
    ],
  };
}

export function handleSessionEvent(state: ConnectionState, event: SessionEvent, now: number): Step {
  if (!hasLiveSession(state)) return ignore(state);
  switch (event.type) {
    case 'answer': {
      if (state.answered) return ignore(state);
      const answer = { type: 'answer' as const, sdp: event.sdp };
      const message = event.standsFor ? { ...answer, standsFor: event.standsFor } : answer;
      const actions: Action[] = [{ kind: 'send', message }];
      for (const candidate of state.pendingLocalCandidates) {
        actions.push({ kind: 'send', message: { type: 'candidate', candidate } });
      }
      return { state: { ...state, answered: true, pendingLocalCandidates: [] }, actions };
    }
    case 'local-candidate':
      if (!state.answered) {
        return {
          state: { ...state, pendingLocalCandidates: [...state.pendingLocalCandidates, event.candidate] },
          actions: [],
        };
      }
      return {
        state,
        actions: [{ kind: 'send', message: { type: 'candidate', candidate: event.candidate } }],
      };
    case 'connected': {
      if (state.phase !== 'negotiating') return ignore(state);
      const endDeadline = endAfterConnect(state, now);
      return { state: { ...state, phase: 'active', setupDeadline: null, endDeadline }, actions: [] };
    }
    case 'failed':
      // Before media flowed the client is still waiting for an answer or a connection: refuse plainly.
      // Afterwards it has measured something, so it only needs to know the relay's side is gone.
      if (state.phase === 'negotiating') {
        return refuse(state, { type: 'error', code: 'media-failed', message: event.message }, 1011);
      }
      return endWithNotice(state, 'error');
    case 'busy': {
      const s = event.retryAfterS;
      const message = `All media ports are in use; retry in ${s} s`;
      return refuse(state, { type: 'error', code: 'busy', retryAfterS: s, message }, 1013);
    }
    case 'rate-limited': {
      const s = event.retryAfterS;
      // At once: a normal client holding several sessions, come back later (1013). Per minute: a client
      // starting session after session is misbehaving (1008, policy).
      const message =
        event.why === 'concurrent'
          ? `Too many sessions from your address at once; retry in ${s} s`
          : `Too many sessions started from your address in the last minute; retry in ${s} s`;
      const close = event.why === 'concurrent' ? 1013 : 1008;
      return refuse(state, { type: 'error', code: 'rate-limited', retryAfterS: s, message }, close);
    }
    case 'over-bitrate':
      return endWithNotice(state, 'rate-limited');
  }
}

/** Ends a session whose setup or end deadline has passed, or closes a connection that stayed idle. */
export function handleTimer(state: ConnectionState, now: number): Step {
  if (state.phase === 'idle' && state.idleDeadline !== null && now >= state.idleDeadline) {
    const message = 'no offer or probe-start in time: connect again when there is something to do';
    return refuse(state, { type: 'error', code: 'idle', message }, IDLE_CLOSE_CODE);
  }
  if (!hasLiveSession(state)) return ignore(state);
  if (state.phase === 'negotiating' && state.setupDeadline !== null && now >= state.setupDeadline) {
    return endWithNotice(state, 'setup-timeout');
  }
  if (state.endDeadline !== null && now >= state.endDeadline) return endWithNotice(state, 'duration');
  return ignore(state);
}

/**
 * The relay has started to drain: no new sessions on this connection (see handle-message.ts), and a running
 * one is told how long it may still take before handleShutdown ends it.
 */
export function handleDrain(state: ConnectionState, graceMs: number): Step {
  const next = { ...state, draining: true };
  if (!hasLiveSession(state)) return { state: next, actions: [] };
  return { state: next, actions: [{ kind: 'send', message: { type: 'draining', graceMs } }] };
}

/** The relay is stopping: tell the client, end its session, close with 1001 (going away). */
export function handleShutdown(state: ConnectionState): Step {
  const step = hasLiveSession(state) ? endWithNotice(state, 'shutdown') : { state, actions: [] };
  return {
    state: { ...step.state, phase: 'ended' },
    actions: [...step.actions, { kind: 'close', code: 1001, reason: 'relay-shutting-down' }],
  };
}

/** The client's WebSocket closed: end its session without a word (there is nobody to tell). */
export function handleClosed(state: ConnectionState): Step {
  if (!hasLiveSession(state)) return { state: { ...state, phase: 'ended' }, actions: [] };
  return { state: { ...state, phase: 'ended' }, actions: [{ kind: 'end-session', reason: 'closed' }] };
}
