import { describe, expect, it } from 'vitest';
import { MAX_CANDIDATES, MEDIA_DURATION_MS } from '../../../src/protocol/relay-messages.ts';
import {
  type ConnectionState,
  END_MARGIN_MS,
  initialConnectionState,
  type Step,
} from '../../../src/relay/core/connection-state.ts';
import { handleClientText } from '../../../src/relay/core/handle-message.ts';

const SETUP_MS = 10_000;
const idle = initialConnectionState({ setupTimeoutMs: SETUP_MS });

function sdpWith(candidateLines: string[]): string {
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...candidateLines,
    '',
  ].join('\r\n');
}
const hostCandidate = (i: number) => `candidate:${i} 1 udp 2122260223 192.0.2.${i} ${50000 + i} typ host`;
const offer = (sdp = sdpWith([]), mode = 'quick') => JSON.stringify({ type: 'offer', sdp, mode });
const candidate = (c: string | null) =>
  JSON.stringify({
    type: 'candidate',
    candidate: c === null ? null : { candidate: c, sdpMid: '0', sdpMLineIndex: 0 },
  });

/** Runs messages through the core in order, returning every step. */
function run(texts: string[], state: ConnectionState = idle, now = 1000): Step[] {
  const steps: Step[] = [];
  for (const t of texts) {
    const step = handleClientText(state, t, now);
    steps.push(step);
    state = step.state;
  }
  return steps;
}
const last = (steps: Step[]) => steps[steps.length - 1] as Step;

describe('handleClientText', () => {
  it('asks the shell to start a probe session or read its results, in any phase', () => {
    expect(handleClientText(idle, '{"type":"probe-start"}', 0)).toEqual({
      state: idle,
      actions: [{ kind: 'probe-start', purpose: 'ports' }],
    });
    const negotiating = handleClientText(idle, offer(), 0).state;
    expect(handleClientText(negotiating, '{"type":"probe-results"}', 0).actions).toEqual([
      { kind: 'probe-results', ufrag: null },
    ]);
    expect(handleClientText(idle, '{"type":"probe-results","ufrag":"AbC+/123"}', 0).actions).toEqual([
      { kind: 'probe-results', ufrag: 'AbC+/123' },
    ]);
  });

  it.each([
    '{"type":"probe-start","ports":[1]}',
    '{"type":"probe-results","ufrag":"bad ufrag"}',
    '{"type":"probe-results","ufrag":"x"}',
  ])('refuses the malformed probe message %s', (text) => {
    expect(handleClientText(idle, text, 0).actions[0]).toMatchObject({
      kind: 'send',
      message: { type: 'error', code: 'bad-message' },
    });
  });

  it('answers a ping with a pong carrying the client time', () => {
    expect(handleClientText(idle, '{"type":"ping","seq":1,"t":5}', 99)).toEqual({
      state: idle,
      actions: [{ kind: 'send', message: { type: 'pong', seq: 1, t: 5, serverTime: 99 } }],
    });
  });

  it.each([
    ['{', 'bad-json'],
    ['{"type":"ping"}', 'bad-message'],
    ['{"type":"ping","seq":-1,"t":1}', 'bad-message'],
    ['[]', 'bad-message'],
    ['{"type":"offer","sdp":"v=0","mode":"forever"}', 'bad-message'],
  ])('refuses %s with %s and closes', (text, code) => {
    const { actions } = handleClientText(idle, text, 0);
    expect(actions[0]).toMatchObject({ kind: 'send', message: { type: 'error', code } });
    expect(actions[1]).toMatchObject({ kind: 'close', code: 1008 });
  });

  it('starts a session on an offer, with setup and end deadlines', () => {
    const sdp = sdpWith([`a=${hostCandidate(1)}`]);
    const step = handleClientText(idle, offer(sdp, 'extended'), 1000);
    expect(step.state).toMatchObject({
      phase: 'negotiating',
      remoteCandidates: 1,
      setupDeadline: 1000 + SETUP_MS,
      endDeadline: 1000 + MEDIA_DURATION_MS.extended + SETUP_MS + END_MARGIN_MS,
    });
    expect(step.actions).toEqual([
      {
        kind: 'start-session',
        sdp,
        mode: 'extended',
        endsAt: 1000 + MEDIA_DURATION_MS.extended + SETUP_MS + END_MARGIN_MS,
      },
    ]);
  });

  it('keeps the session for the media time the client asked for, not the mode default', () => {
    const text = JSON.stringify({
      type: 'offer',
      sdp: sdpWith([`a=${hostCandidate(1)}`]),
      mode: 'extended',
      durationS: 60,
    });
    const step = handleClientText(idle, text, 1000);
    expect(step.state).toMatchObject({ endDeadline: 1000 + 60_000 + SETUP_MS + END_MARGIN_MS });
    const tooLong = JSON.stringify({ type: 'offer', sdp: sdpWith([]), mode: 'extended', durationS: 3600 });
    expect(handleClientText(idle, tooLong, 1000).actions[0]).toMatchObject({
      message: { code: 'bad-message' },
    });
  });

  it('forwards trickled candidates and end-of-candidates', () => {
    const steps = run([offer(), candidate(hostCandidate(1)), candidate(null)]);
    expect(steps[1]?.actions).toEqual([
      { kind: 'add-candidate', candidate: { candidate: hostCandidate(1), sdpMid: '0', sdpMLineIndex: 0 } },
    ]);
    expect(steps[2]?.actions).toEqual([{ kind: 'add-candidate', candidate: null }]);
  });

  it('takes candidates as browsers serialise them (with usernameFragment), and the empty end-of-candidates', () => {
    const browserJson = {
      candidate: hostCandidate(1),
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'abcd',
    };
    const end = { candidate: '', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };
    const steps = run([
      offer(),
      JSON.stringify({ type: 'candidate', candidate: browserJson }),
      JSON.stringify({ type: 'candidate', candidate: end }),
    ]);
    expect(steps[1]?.actions).toEqual([{ kind: 'add-candidate', candidate: browserJson }]);
    expect(steps[2]?.actions).toEqual([{ kind: 'add-candidate', candidate: end }]);
    expect(last(steps).state.remoteCandidates).toBe(1);
  });

  it('ends the session on bye, without a session-ended message', () => {
    const step = last(run([offer(), '{"type":"bye"}']));
    expect(step.state.phase).toBe('ended');
    expect(step.actions).toEqual([{ kind: 'end-session', reason: 'bye' }]);
  });

  it.each([
    ['offer twice', [offer(), offer()], true],
    ['candidate before offer', [candidate(hostCandidate(1))], false],
    ['bye before offer', ['{"type":"bye"}'], false],
    ['offer after the session ended', [offer(), '{"type":"bye"}', offer()], false],
  ])('refuses %s with bad-state and closes 1008', (_name, texts, endsSession) => {
    const { state, actions } = last(run(texts));
    expect(state.phase).toBe('ended');
    expect(actions).toEqual([
      { kind: 'send', message: { type: 'error', code: 'bad-state', message: expect.any(String) } },
      ...(endsSession ? [{ kind: 'end-session', reason: 'error' }] : []),
      { kind: 'close', code: 1008, reason: 'bad-state' },
    ]);
  });

  it('ignores a candidate or bye that races the end of the session', () => {
    const ended = last(run([offer(), '{"type":"bye"}'])).state;
    expect(run([candidate(hostCandidate(1)), '{"type":"bye"}'], ended).map((s) => s.actions)).toEqual([
      [],
      [],
    ]);
  });

  it(`refuses the ${MAX_CANDIDATES + 1}th trickled candidate with too-many-candidates`, () => {
    const texts = [
      offer(),
      ...Array.from({ length: MAX_CANDIDATES + 1 }, (_, i) => candidate(hostCandidate(i))),
    ];
    const steps = run(texts);
    expect(steps[MAX_CANDIDATES]?.actions).toMatchObject([{ kind: 'add-candidate' }]);
    expect(last(steps).actions).toEqual([
      { kind: 'send', message: { type: 'error', code: 'too-many-candidates', message: expect.any(String) } },
      { kind: 'end-session', reason: 'error' },
      { kind: 'close', code: 1008, reason: 'too-many-candidates' },
    ]);
  });

  it('counts the offer’s candidates towards the limit', () => {
    const inOffer = Array.from({ length: MAX_CANDIDATES }, (_, i) => `a=${hostCandidate(i)}`);
    const step = last(run([offer(sdpWith(inOffer)), candidate(hostCandidate(99))]));
    expect(step.actions[0]).toMatchObject({ message: { code: 'too-many-candidates' } });
  });

  it('refuses an offer with 30 a=candidate lines, starting nothing', () => {
    const inOffer = Array.from({ length: 30 }, (_, i) => `a=${hostCandidate(i)}`);
    expect(handleClientText(idle, offer(sdpWith(inOffer)), 0).actions).toEqual([
      { kind: 'send', message: { type: 'error', code: 'too-many-candidates', message: expect.any(String) } },
      { kind: 'close', code: 1008, reason: 'too-many-candidates' },
    ]);
  });

  it('keeps named (mDNS) candidates away from werift, but counts them', () => {
    const mdns = 'candidate:1 1 udp 2122260223 0f1e2d3c-aaaa-bbbb-cccc-123456789abc.local 50000 typ host';
    const start = handleClientText(idle, offer(sdpWith([`a=${hostCandidate(2)}`])), 0);
    expect(start.state.withheldCandidate).toBe(false);
    const trickled = handleClientText(start.state, candidate(mdns), 0);
    expect(trickled).toEqual({
      state: { ...start.state, remoteCandidates: 2, withheldCandidate: true },
      actions: [],
    });
    // werift must keep waiting for the withheld candidate's peer-reflexive twin, so no end-of-candidates.
    expect(handleClientText(trickled.state, candidate(null), 0).actions).toEqual([]);
  });

  it('drops named candidates and then end-of-candidates from the offer', () => {
    const mdns = 'a=candidate:1 1 udp 2122260223 0f1e2d3c-aaaa-bbbb-cccc-123456789abc.local 50000 typ host';
    const step = handleClientText(
      idle,
      offer(sdpWith([mdns, `a=${hostCandidate(2)}`, 'a=end-of-candidates'])),
      0,
    );
    expect(step.state).toMatchObject({ remoteCandidates: 2, withheldCandidate: true });
    expect(step.actions[0]).toMatchObject({ kind: 'start-session', sdp: sdpWith([`a=${hostCandidate(2)}`]) });
  });

  it('still answers pings while a session runs', () => {
    const step = last(run([offer(), '{"type":"ping","seq":2,"t":1}']));
    expect(step.actions).toMatchObject([{ kind: 'send', message: { type: 'pong', seq: 2 } }]);
    expect(step.state.phase).toBe('negotiating');
  });
});
