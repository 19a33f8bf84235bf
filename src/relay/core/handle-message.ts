/**
 * The relay's WSS message logic without sockets: (state, text, now) in, (state, actions) out. The shell
 * performs the actions. Protocol errors are answered with an error and close the connection; messages that
 * merely race the end of a session (a late candidate or bye) are dropped quietly.
 */
import {
  ClientMessage,
  MAX_CANDIDATES,
  MAX_WS_MESSAGE_BYTES,
  MEDIA_DURATION_MS,
  PROBE_SESSION_TTL_S,
  parseJson,
} from '../../protocol/relay-messages.ts';
import { countSdpCandidates, stripCandidates } from './candidates.ts';
import { type ConnectionState, hasLiveSession, latestEnd, refuse, type Step } from './connection-state.ts';
import { mediaRangeFor } from './media-ports.ts';
import { planOffer } from './offer-plan.ts';

function tooManyCandidates(state: ConnectionState): Step {
  return refuse(
    state,
    {
      type: 'error',
      code: 'too-many-candidates',
      message: `at most ${MAX_CANDIDATES} ICE candidates per session`,
    },
    1008,
  );
}

function badState(state: ConnectionState, message: string): Step {
  return refuse(state, { type: 'error', code: 'bad-state', message }, 1008);
}

/** While the relay drains, a new session would only be cut short: say so, and let the client go elsewhere. */
function shuttingDown(state: ConnectionState): Step {
  const message = 'the relay is shutting down; retry shortly (another relay may take over)';
  return refuse(state, { type: 'error', code: 'shutting-down', message }, 1001);
}

export function handleClientText(state: ConnectionState, text: string, now: number): Step {
  if (text.length > MAX_WS_MESSAGE_BYTES) {
    return refuse(state, { type: 'error', code: 'too-big', message: 'message too big' }, 1009);
  }
  const parsed = parseJson(ClientMessage, text);
  if (!parsed.ok) {
    const code = parsed.error === 'bad-json' ? 'bad-json' : 'bad-message';
    return refuse(state, { type: 'error', code, message: parsed.error }, 1008);
  }
  const msg = parsed.value;
  switch (msg.type) {
    case 'ping':
      return {
        state,
        actions: [{ kind: 'send', message: { type: 'pong', seq: msg.seq, t: msg.t, serverTime: now } }],
      };

    case 'offer': {
      if (state.phase !== 'idle') return badState(state, 'one media session per connection');
      if (state.draining) return shuttingDown(state);
      const candidates = countSdpCandidates(msg.sdp);
      if (candidates > MAX_CANDIDATES) return tooManyCandidates(state);
      const planned = planOffer(msg.sdp);
      if (!planned.ok) {
        return refuse(state, { type: 'error', code: 'unsupported-offer', message: planned.reason }, 1003);
      }
      const mediaMs = msg.durationS !== undefined ? msg.durationS * 1000 : MEDIA_DURATION_MS[msg.mode];
      // The latest the session can last (setup taking all its time): what the port pool is told. Once DTLS
      // connects, the end moves to mediaMs after that (see handle-session-event.ts).
      const endsAt = latestEnd(now, state.setupTimeoutMs, mediaMs);
      return {
        state: {
          ...state,
          phase: 'negotiating',
          remoteCandidates: candidates,
          setupDeadline: now + state.setupTimeoutMs,
          endDeadline: endsAt,
          mediaMs,
          idleDeadline: null,
        },
        // Counted above, never used: see candidates.ts.
        actions: [
          {
            kind: 'start-session',
            sdp: stripCandidates(msg.sdp),
            plan: planned.plan,
            mode: msg.mode,
            // The profile's media range: media crosses the firewall rule that profile's calls cross.
            range: mediaRangeFor(msg.profile),
            endsAt,
          },
        ],
      };
    }

    case 'candidate': {
      if (state.phase === 'idle') return badState(state, 'candidate before offer');
      if (state.phase === 'ended') return { state, actions: [] };
      // null, or an empty candidate string (the per-section form), is end-of-candidates: not counted.
      if (msg.candidate === null || msg.candidate.candidate === '') return { state, actions: [] };
      const remoteCandidates = state.remoteCandidates + 1;
      if (remoteCandidates > MAX_CANDIDATES) return tooManyCandidates(state);
      // Counted, never used: see candidates.ts.
      return { state: { ...state, remoteCandidates }, actions: [] };
    }

    // Port probes need no media session and may come in any phase: the shell owns the probe sessions,
    // which the UDP responders share, so the core only asks for them.
    case 'probe-start':
      if (state.draining) return shuttingDown(state);
      return {
        // Idle again once the probe session has expired and the idle timeout has passed after it: a
        // connection that only ever starts probes cannot hold its socket for good.
        state: {
          ...state,
          idleDeadline:
            state.idleTimeoutMs === null ? null : now + PROBE_SESSION_TTL_S * 1000 + state.idleTimeoutMs,
        },
        actions: [{ kind: 'probe-start', purpose: msg.purpose ?? 'ports' }],
      };

    case 'probe-results':
      return { state, actions: [{ kind: 'probe-results', ufrag: msg.ufrag ?? null }] };

    // Like the probes, owned by the shell; the connection stays open as long as the session can last.
    case 'binding-start':
      if (state.draining) return shuttingDown(state);
      return {
        state: {
          ...state,
          idleDeadline:
            state.idleTimeoutMs === null ? null : now + state.bindingSessionMs + state.idleTimeoutMs,
        },
        actions: [{ kind: 'binding-start' }],
      };

    case 'binding-peer':
      return {
        state,
        actions: [
          { kind: 'binding-peer', ufrag: msg.ufrag, peer: { ufrag: msg.peerUfrag, pwd: msg.peerPwd } },
        ],
      };

    case 'binding-results':
      return { state, actions: [{ kind: 'binding-results', ufrag: msg.ufrag }] };

    // Answered from the session's counters by the shell, also after the session ended (the client asks
    // at the end of its media time, which may cross the relay's own end of the session).
    case 'media-counts':
      if (state.phase === 'idle') return badState(state, 'media-counts before offer');
      return {
        state,
        actions: [{ kind: 'media-counts', perSecond: msg.perSecond === true, dtls: msg.dtls === true }],
      };

    case 'bye':
      if (state.phase === 'idle') return badState(state, 'bye before offer');
      if (!hasLiveSession(state)) return { state, actions: [] };
      // Confirmed, so that the client's record and the relay's log agree on how the session ended.
      return {
        state: { ...state, phase: 'ended' },
        actions: [
          { kind: 'send', message: { type: 'session-ended', reason: 'bye' } },
          { kind: 'end-session', reason: 'bye' },
        ],
      };
  }
}
