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
  parseJson,
} from '../../protocol/relay-messages.ts';
import { countSdpCandidates, dropNamedCandidates, hasIpAddress } from './candidates.ts';
import {
  type ConnectionState,
  END_MARGIN_MS,
  hasLiveSession,
  refuse,
  type Step,
} from './connection-state.ts';

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
      const candidates = countSdpCandidates(msg.sdp);
      if (candidates > MAX_CANDIDATES) return tooManyCandidates(state);
      const mediaMs = msg.durationS !== undefined ? msg.durationS * 1000 : MEDIA_DURATION_MS[msg.mode];
      const endsAt = now + mediaMs + state.setupTimeoutMs + END_MARGIN_MS;
      const { sdp, dropped } = dropNamedCandidates(msg.sdp);
      return {
        state: {
          ...state,
          phase: 'negotiating',
          remoteCandidates: candidates,
          withheldCandidate: dropped > 0,
          setupDeadline: now + state.setupTimeoutMs,
          endDeadline: endsAt,
        },
        actions: [{ kind: 'start-session', sdp, mode: msg.mode, endsAt }],
      };
    }

    case 'candidate': {
      if (state.phase === 'idle') return badState(state, 'candidate before offer');
      if (state.phase === 'ended') return { state, actions: [] };
      // null, or an empty candidate string (the per-section form), is end-of-candidates: not counted.
      if (msg.candidate === null || msg.candidate.candidate === '') {
        // See candidates.ts: werift would give up on the withheld candidate's peer-reflexive twin.
        if (state.withheldCandidate) return { state, actions: [] };
        return { state, actions: [{ kind: 'add-candidate', candidate: msg.candidate }] };
      }
      const remoteCandidates = state.remoteCandidates + 1;
      if (remoteCandidates > MAX_CANDIDATES) return tooManyCandidates(state);
      // Counted but not forwarded: see candidates.ts.
      if (!hasIpAddress(msg.candidate.candidate)) {
        return { state: { ...state, remoteCandidates, withheldCandidate: true }, actions: [] };
      }
      return {
        state: { ...state, remoteCandidates },
        actions: [{ kind: 'add-candidate', candidate: msg.candidate }],
      };
    }

    // Port probes need no media session and may come in any phase: the shell owns the probe sessions,
    // which the UDP responders share, so the core only asks for them.
    case 'probe-start':
      return { state, actions: [{ kind: 'probe-start', purpose: msg.purpose ?? 'ports' }] };

    case 'probe-results':
      return { state, actions: [{ kind: 'probe-results', ufrag: msg.ufrag ?? null }] };

    case 'bye':
      if (state.phase === 'idle') return badState(state, 'bye before offer');
      if (!hasLiveSession(state)) return { state, actions: [] };
      return { state: { ...state, phase: 'ended' }, actions: [{ kind: 'end-session', reason: 'bye' }] };
  }
}
