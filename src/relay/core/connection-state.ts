/**
 * One WSS connection's state, as plain data: which phase its media session is in, what it has counted, and
 * when the session must end. The handlers in this folder turn (state, input, now) into (state, actions).
 */
import type { IceCandidate, MediaMode, ServerMessage } from '../../protocol/relay-messages.ts';

/** idle: no offer yet; negotiating: answered or answering, DTLS not connected; active: media flows. */
export type Phase = 'idle' | 'negotiating' | 'active' | 'ended';

/**
 * Why a session ends. The first five are told to the client with session-ended; bye and closed came from the
 * client, and error is also used when the connection is refused for a protocol error.
 */
export type EndReason =
  | 'duration'
  | 'setup-timeout'
  | 'shutdown'
  | 'error'
  | 'rate-limited'
  | 'bye'
  | 'closed';

export interface ConnectionState {
  readonly phase: Phase;
  /** Remote candidates seen in this session: the offer's a=candidate lines plus trickled ones. */
  readonly remoteCandidates: number;
  /** Whether the answer went out; local candidates wait for it, since the client cannot use them before. */
  readonly answered: boolean;
  readonly pendingLocalCandidates: readonly IceCandidate[];
  /** When the session ends if DTLS has not connected (null once connected, or without a session). */
  readonly setupDeadline: number | null;
  /** When the session ends whatever happens: its media duration plus the setup time and a margin. */
  readonly endDeadline: number | null;
  readonly setupTimeoutMs: number;
  /**
   * When a connection that has sent neither an offer nor a probe-start is closed ('idle'); null once it has,
   * or when the relay sets no idle timeout. A connection costs a socket and memory, and only sessions use them.
   */
  readonly idleDeadline: number | null;
  /** The relay is stopping: no new sessions; the running one may finish until the relay ends it. */
  readonly draining: boolean;
}

export type Action =
  | { kind: 'send'; message: ServerMessage }
  | { kind: 'close'; code: number; reason: string }
  /** Allocate a port and answer the offer; endsAt tells the port pool when the port comes back at the latest. */
  | { kind: 'start-session'; sdp: string; mode: MediaMode; endsAt: number }
  | { kind: 'end-session'; reason: EndReason }
  /** Issue probe credentials and answer probe-session (or refuse with busy). */
  | { kind: 'probe-start'; purpose: 'ports' | 'nat' }
  /** Answer probe-observed for this connection's probe session ufrag, or its latest (or refuse). */
  | { kind: 'probe-results'; ufrag: string | null };

export interface Step {
  state: ConnectionState;
  actions: Action[];
}

/** Time after the media duration and the setup time before the relay ends a session on its own. */
export const END_MARGIN_MS = 5000;

export function initialConnectionState(opts: {
  setupTimeoutMs: number;
  /** When the connection is closed as idle unless it starts something (see idleDeadline). */
  idleDeadline?: number | null;
}): ConnectionState {
  return {
    phase: 'idle',
    remoteCandidates: 0,
    answered: false,
    pendingLocalCandidates: [],
    setupDeadline: null,
    endDeadline: null,
    setupTimeoutMs: opts.setupTimeoutMs,
    idleDeadline: opts.idleDeadline ?? null,
    draining: false,
  };
}

/** Whether a media session exists that the shell must end. */
export function hasLiveSession(state: ConnectionState): boolean {
  return state.phase === 'negotiating' || state.phase === 'active';
}

/** The next time handleTimer has something to do, or null. */
export function nextDeadline(state: ConnectionState): number | null {
  if (state.phase === 'idle') return state.idleDeadline;
  if (!hasLiveSession(state)) return null;
  const times = [state.setupDeadline, state.endDeadline].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

/** Sends an error, ends any live session and closes the connection: the one way a connection is refused. */
export function refuse(
  state: ConnectionState,
  message: Extract<ServerMessage, { type: 'error' }>,
  closeCode: number,
): Step {
  const actions: Action[] = [{ kind: 'send', message }];
  if (hasLiveSession(state)) actions.push({ kind: 'end-session', reason: 'error' });
  actions.push({ kind: 'close', code: closeCode, reason: message.code });
  return { state: { ...state, phase: 'ended' }, actions };
}
