import { describe, expect, it } from 'vitest';
import {
  type ConnectionState,
  END_MARGIN_MS,
  initialConnectionState,
  nextDeadline,
} from '../../../src/relay/core/connection-state.ts';
import { handleClientText } from '../../../src/relay/core/handle-message.ts';
import {
  handleClosed,
  handleSessionEvent,
  handleShutdown,
  handleTimer,
} from '../../../src/relay/core/handle-session-event.ts';
import { craftedOffer } from '../../helpers/crafted-sdp.ts';

const idle = initialConnectionState({ setupTimeoutMs: 10_000 });
const T0 = 1000;
/** quick mode: setup deadline T0+10 s; at the latest T0 + 10 s + 3 s + 5 s, if setup took all its time. */
const negotiating = handleClientText(
  idle,
  JSON.stringify({ type: 'offer', sdp: craftedOffer(), mode: 'quick' }),
  T0,
).state;
const SETUP_AT = T0 + 10_000;
const LATEST_END_AT = T0 + 10_000 + 3000 + END_MARGIN_MS;
/** DTLS connects 1.5 s after the offer: the session then ends 3 s of media and the margin later. */
const CONNECTED_AT = T0 + 1500;
const END_AT = CONNECTED_AT + 3000 + END_MARGIN_MS;
const cand = (n: number) => ({
  candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${n} typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

function active(): ConnectionState {
  const answered = handleSessionEvent(negotiating, { type: 'answer', sdp: 'answer-sdp' }, T0 + 50).state;
  return handleSessionEvent(answered, { type: 'connected' }, CONNECTED_AT).state;
}

describe('session events', () => {
  it('holds local candidates until the answer is out, then sends them after it', () => {
    const a = handleSessionEvent(negotiating, { type: 'local-candidate', candidate: cand(1) }, T0);
    expect(a.actions).toEqual([]);
    const b = handleSessionEvent(a.state, { type: 'answer', sdp: 'answer-sdp' }, T0);
    expect(b.actions).toEqual([
      { kind: 'send', message: { type: 'answer', sdp: 'answer-sdp' } },
      { kind: 'send', message: { type: 'candidate', candidate: cand(1) } },
    ]);
    const c = handleSessionEvent(b.state, { type: 'local-candidate', candidate: null }, T0);
    expect(c.actions).toEqual([{ kind: 'send', message: { type: 'candidate', candidate: null } }]);
  });

  it('drops the setup deadline once DTLS is connected, and counts the media time from then', () => {
    expect(nextDeadline(negotiating)).toBe(SETUP_AT);
    expect(negotiating.endDeadline).toBe(LATEST_END_AT);
    const s = active();
    expect(s).toMatchObject({ phase: 'active', setupDeadline: null, endDeadline: END_AT });
    expect(nextDeadline(s)).toBe(END_AT);
  });

  it.each([
    ['before the setup deadline', negotiating, SETUP_AT - 1, null],
    ['at the setup deadline, not connected', negotiating, SETUP_AT, 'setup-timeout'],
    ['just before the end, connected', 'active', END_AT - 1, null],
    ['at the end deadline', 'active', END_AT, 'duration'],
  ] as const)('timer %s', (_name, from, now, reason) => {
    const state = from === 'active' ? active() : from;
    const step = handleTimer(state, now);
    if (reason === null) {
      expect(step).toEqual({ state, actions: [] });
      return;
    }
    expect(step.state.phase).toBe('ended');
    expect(step.actions).toEqual([
      { kind: 'send', message: { type: 'session-ended', reason } },
      { kind: 'end-session', reason },
    ]);
    expect(nextDeadline(step.state)).toBeNull();
  });

  it('refuses with busy, retryAfterS and close 1013', () => {
    expect(handleSessionEvent(negotiating, { type: 'busy', retryAfterS: 7 }, T0).actions).toEqual([
      {
        kind: 'send',
        message: {
          type: 'error',
          code: 'busy',
          retryAfterS: 7,
          message: 'All media ports are in use; retry in 7 s',
        },
      },
      { kind: 'end-session', reason: 'error' },
      { kind: 'close', code: 1013, reason: 'busy' },
    ]);
  });

  it('refuses a failure before media flowed; only reports one afterwards', () => {
    expect(handleSessionEvent(negotiating, { type: 'failed', message: 'bad sdp' }, T0).actions).toEqual([
      { kind: 'send', message: { type: 'error', code: 'media-failed', message: 'bad sdp' } },
      { kind: 'end-session', reason: 'error' },
      { kind: 'close', code: 1011, reason: 'media-failed' },
    ]);
    expect(handleSessionEvent(active(), { type: 'failed', message: 'ICE failed' }, T0).actions).toEqual([
      { kind: 'send', message: { type: 'session-ended', reason: 'error' } },
      { kind: 'end-session', reason: 'error' },
    ]);
  });

  it('ignores events for a session that is over', () => {
    const ended = handleClosed(negotiating).state;
    for (const e of [
      { type: 'answer', sdp: 'x' },
      { type: 'connected' },
      { type: 'failed', message: 'x' },
    ] as const) {
      expect(handleSessionEvent(ended, e, T0).actions).toEqual([]);
    }
    expect(handleTimer(ended, END_AT).actions).toEqual([]);
  });

  it('on shutdown tells the client and closes 1001; without a session it only closes', () => {
    expect(handleShutdown(active()).actions).toEqual([
      { kind: 'send', message: { type: 'session-ended', reason: 'shutdown' } },
      { kind: 'end-session', reason: 'shutdown' },
      { kind: 'close', code: 1001, reason: 'relay-shutting-down' },
    ]);
    expect(handleShutdown(idle).actions).toEqual([
      { kind: 'close', code: 1001, reason: 'relay-shutting-down' },
    ]);
  });

  it('ends the session quietly when the client goes away', () => {
    expect(handleClosed(negotiating).actions).toEqual([{ kind: 'end-session', reason: 'closed' }]);
    expect(handleClosed(idle).actions).toEqual([]);
  });
});
