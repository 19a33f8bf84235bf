/**
 * One WSS connection's state, as plain data: which phase its media session is in, what it has counted, and
 * when the session must end. The handlers in this folder turn (state, input, now) into (state, actions).
 */
import type { IceCandidate, MediaMode, ServerMessage } from '../../protocol/relay-messages.ts';
import type { MediaRange } from './media-ports.ts';
import type { OfferPlan } from './offer-plan.ts';

/** idle: no offer yet; negotiating: answered or answering, DTLS not connected; active: media flows. */
export type Phase = 'idle' | 'negotiating' | 'active' | 'ended';

/**
 * Why a session ends. All but closed are told to the client with session-ended (bye as the confirmation of
 * the client's own); closed means the client went away, and error is also used when the connection is
 * refused for a protocol error.
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
  /**
   * When the session ends whatever happens. From the offer: the whole setup timeout plus the media time and
   * END_MARGIN_MS; once DTLS connects: the media time and END_MARGIN_MS after that moment.
   */
  readonly endDeadline: number | null;
  /** The media time the client asked for (null without a session). */
  readonly mediaMs: number | null;
  readonly setupTimeoutMs: number;
  /**
   * When a connection that has sent neither an offer nor a probe-start is closed ('idle'); null once it has,
   * or when the relay sets no idle timeout. A connection costs a socket and memory, and only sessions use them.
   */
  readonly idleDeadline: number | null;
  /** The relay's idle timeout, to set the next idleDeadline from (null: none). */
  readonly idleTimeoutMs: number | null;
  /** The relay is stopping: no new sessions; the running one may finish until the relay ends it. */
  readonly draining: boolean;
  /** How long a NAT binding lifetime session lasts: the connection is not idle before it is over. */
  readonly bindingSessionMs: number;
}

export type Action =
  | { kind: 'send'; message: ServerMessage }
  | { kind: 'close'; code: number; reason: string }
  /** Allocate a port and answer the offer; endsAt tells the port pool when the port comes back at the latest. */
  | {
      kind: 'start-session';
      sdp: string;
      plan: OfferPlan;
      mode: MediaMode;
      range: MediaRange;
      endsAt: number;
    }
  | { kind: 'end-session'; reason: EndReason }
  /** Issue probe credentials and answer probe-session (or refuse with busy). */
  | { kind: 'probe-start'; purpose: 'ports' | 'nat' }
  /** Answer probe-observed for this connection's probe session ufrag, or its latest (or refuse). */
  | { kind: 'probe-results'; ufrag: string | null }
  /**
   * Answer media-counts with what the session received (zeros while it has not started); with dtls, also
   * what its DTLS handshake saw (core/dtls-seen.ts).
   */
  | { kind: 'media-counts'; perSecond: boolean; dtls: boolean }
  /** Start a NAT binding lifetime session and answer binding-session (or refuse with busy). */
  | { kind: 'binding-start' }
  | { kind: 'binding-peer'; ufrag: string; peer: { ufrag: string; pwd: string } }
  /** Answer binding-observed for this connection's binding session (or refuse). */
  | { kind: 'binding-results'; ufrag: string };

export interface Step {
  state: ConnectionState;
  actions: Action[];
}

/**
 * Time after the media duration before the relay ends a connected session on its own. The client starts its
 * media clock when its own DTLS connects (up to a round trip after the relay's) and after the first echo,
 * which it waits up to 3 s for, and on a lossy path, once the relay said it receives the audio (its
 * media-counts answer, up to 2 s), up to 5 s more (MEDIA_TIMEOUTS in checks/media/secure-media.ts); after the
 * media time it waits 0.5 s for late echoes, asks media-counts again, reads its statistics and says bye. A
 * real check is over well inside this; a client that never says bye holds its port this much longer than it
 * measured.
 */
export const END_MARGIN_MS = 12_000;

/** When a session ends at the latest, from its offer at `now`: the whole setup timeout, then its media time. */
export function latestEnd(now: number, setupTimeoutMs: number, mediaMs: number): number {
  return now + setupTimeoutMs + mediaMs + END_MARGIN_MS;
}

/**
 * When a session that connected at `now` ends: its media time after the real setup, not after the longest the
 * setup could have taken, so the port comes back as soon as the check is over (never later than latestEnd).
 */
export function endAfterConnect(state: ConnectionState, now: number): number {
  const afterMedia = now + (state.mediaMs ?? 0) + END_MARGIN_MS;
  return state.endDeadline === null ? afterMedia : Math.min(state.endDeadline, afterMedia);
}

export function initialConnectionState(opts: {
  setupTimeoutMs: number;
  /** When the connection is closed as idle unless it starts something (see idleDeadline). */
  idleDeadline?: number | null;
  idleTimeoutMs?: number | null;
  bindingSessionMs?: number;
}): ConnectionState {
  return {
    phase: 'idle',
    remoteCandidates: 0,
    answered: false,
    pendingLocalCandidates: [],
    setupDeadline: null,
    endDeadline: null,
    mediaMs: null,
    setupTimeoutMs: opts.setupTimeoutMs,
    idleDeadline: opts.idleDeadline ?? null,
    idleTimeoutMs: opts.idleTimeoutMs ?? null,
    draining: false,
    bindingSessionMs: opts.bindingSessionMs ?? 0,
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
