/**
 * One WSS connection's state, as plain data: which phase its media session is in, what it has counted, and
 * when the session must end. The handlers in this folder turn (state, input, now) into (state, actions).
 */
import type { IceCandidate, MediaMode, ServerMessage } from '../../protocol/relay-messages.ts';

/** idle: no offer yet; negotiating: answered or answering, DTLS not connected; active: media flows. */
export type Phase = 'idle' | 'negotiating' | 'active' | 'ended';

/**
 * Why a session ends. The first four are told to the client with session-ended; bye and closed came from the
 * client, and error is also used when the connection is refused for a protocol error.
 */
export type EndReason = 'duration' | 'setup-timeout' | 'shutdown' | 'error' | 'bye' | 'closed';

export interface ConnectionState {
  readonly phase: Phase;
  /** Remote candidates seen in this session: the offer's a=candidate lines plus trickled ones. */
  readonly remoteCandidates: number;
  /** Whether a named candidate was withheld from werift; end-of-candidates is then withheld too. */
  readonly withheldCandidate: boolean;
  /** Whether the answer went out; local candidates wait for it, since the client cannot use them before. */
  readonly answered: boolean;
  readonly pendingLocalCandidates: readonly IceCandidate[];
  /** When the session ends if DTLS has not connected (null once connected, or without a session). */
  readonly setupDeadline: number | null;
  /** When the session ends whatever happens: its media duration plus the setup time and a margin. */
  readonly endDeadline: number | null;
  readonly setupTimeoutMs: number;
}

export type Action =
  | { kind: 'send'; message: ServerMessage }
  | { kind: 'close'; code: number; reason: string }
  /** Allocate a port and answer the offer; endsAt tells the port pool when the port comes back at the latest. */
  | { kind: 'start-session'; sdp: string; mode: MediaMode; endsAt: number }
  | { kind: 'add-candidate'; candidate: IceCandidate }
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

export function initialConnectionState(opts: { setupTimeoutMs: number }): ConnectionState {
  return {
    phase: 'idle',
    remoteCandidates: 0,
    withheldCandidate: false,
    answered: false,
    pendingLocalCandidates: [],
    setupDeadline: null,
    endDeadline: null,
    setupTimeoutMs: opts.setupTimeoutMs,
  };
}

/** Whether a media session exists that the shell must end. */
export function hasLiveSession(state: ConnectionState): boolean {
  return state.phase === 'negotiating' || state.phase === 'active';
}

/** The next time handleTimer has something to do, or null. */
export function nextDeadline(state: ConnectionState): number | null {
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
