import { describe, expect, it } from 'vitest';
import { MAX_CANDIDATES, MEDIA_DURATION_MS } from '../../../src/protocol/relay-messages.ts';
import {
  type ConnectionState,
  END_MARGIN_MS,
  initialConnectionState,
  nextDeadline,
  type Step,
} from '../../../src/relay/core/connection-state.ts';
import { handleClientText } from '../../../src/relay/core/handle-message.ts';
import { handleDrain, handleTimer } from '../../../src/relay/core/handle-session-event.ts';
import { craftedOffer } from '../../helpers/crafted-sdp.ts';

const SETUP_MS = 10_000;
const idle = initialConnectionState({ setupTimeoutMs: SETUP_MS });

function sdpWith(candidateLines: string[]): string {
  return craftedOffer() + candidateLines.map((l) => `${l}\r\n`).join('');
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

  it('asks the shell for the media counts once there is a session, also after it ended', () => {
    const negotiating = handleClientText(idle, offer(), 0).state;
    expect(handleClientText(negotiating, '{"type":"media-counts"}', 0).actions).toEqual([
      { kind: 'media-counts', perSecond: false, dtls: false },
    ]);
    // What the session's DTLS saw: asked for when the client's handshake ran out of time.
    expect(handleClientText(negotiating, '{"type":"media-counts","dtls":true}', 0).actions).toEqual([
      { kind: 'media-counts', perSecond: false, dtls: true },
    ]);
    const ended = handleClientText(negotiating, '{"type":"bye"}', 0).state;
    expect(handleClientText(ended, '{"type":"media-counts","perSecond":true}', 0).actions).toEqual([
      { kind: 'media-counts', perSecond: true, dtls: false },
    ]);
  });

  it('refuses media-counts before an offer, and one with extra fields', () => {
    expect(handleClientText(idle, '{"type":"media-counts"}', 0).actions[0]).toMatchObject({
      kind: 'send',
      message: { type: 'error', code: 'bad-state' },
    });
    const negotiating = handleClientText(idle, offer(), 0).state;
    for (const text of [
      '{"type":"media-counts","rtp":1}',
      '{"type":"media-counts","perSecond":false}',
      '{"type":"media-counts","dtls":"yes"}',
    ]) {
      expect(handleClientText(negotiating, text, 0).actions[0]).toMatchObject({
        kind: 'send',
        message: { type: 'error', code: 'bad-message' },
      });
    }
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
        range: 'desk',
        // Without its candidates: see candidates.ts.
        sdp: sdpWith([]),
        plan: {
          audio: { name: 'opus', clockRate: 48_000, channels: 2, payloadType: 111 },
          dtlsRole: 'server',
        },
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

  it("answers from the offer's profile's media range, and refuses a profile it does not know", () => {
    const offerFor = (profile: string) =>
      JSON.stringify({ type: 'offer', sdp: sdpWith([`a=${hostCandidate(1)}`]), mode: 'quick', profile });
    const rangeOf = (profile: string) =>
      (handleClientText(idle, offerFor(profile), 1000).actions[0] as { range?: string }).range;
    expect(rangeOf('mobile-app')).toBe('apps');
    expect(rangeOf('desktop-app')).toBe('apps');
    expect(rangeOf('desk-phone')).toBe('desk');
    expect(rangeOf('meetings')).toBe('desk');
    expect(handleClientText(idle, offerFor('fax'), 1000).actions[0]).toMatchObject({
      message: { code: 'bad-message' },
    });
  });

  it('counts trickled candidates but never hands one (nor end-of-candidates) to werift', () => {
    const steps = run([offer(), candidate(hostCandidate(1)), candidate(null)]);
    expect(steps[1]).toEqual({ state: { ...steps[0]?.state, remoteCandidates: 1 }, actions: [] });
    expect(steps[2]?.actions).toEqual([]);
    expect(last(steps).state.remoteCandidates).toBe(1);
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
    expect(steps.map((st) => st.actions)).toEqual([
      [expect.objectContaining({ kind: 'start-session' })],
      [],
      [],
    ]);
    expect(last(steps).state.remoteCandidates).toBe(1);
  });

  it('ends the session on bye and confirms it with session-ended bye', () => {
    const step = last(run([offer(), '{"type":"bye"}']));
    expect(step.state.phase).toBe('ended');
    expect(step.actions).toEqual([
      { kind: 'send', message: { type: 'session-ended', reason: 'bye' } },
      { kind: 'end-session', reason: 'bye' },
    ]);
  });

  it('refuses at once, with the reason, an offer it cannot answer (no port taken, no timeout)', () => {
    const onlyIlbc = craftedOffer({ audio: [[97, 'iLBC/8000']] });
    const step = handleClientText(idle, offer(onlyIlbc), 1000);
    expect(step.state.phase).toBe('ended');
    expect(step.actions).toEqual([
      {
        kind: 'send',
        message: {
          type: 'error',
          code: 'unsupported-offer',
          message:
            'no audio codec the relay echoes in the offer (offered: iLBC); it echoes Opus, PCMU (G.711 µ-law), PCMA (G.711 A-law) and G.722',
        },
      },
      { kind: 'close', code: 1003, reason: 'unsupported-offer' },
    ]);
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
    expect(steps[MAX_CANDIDATES]?.actions).toEqual([]);
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

  it.each([
    [
      'a named (mDNS) candidate',
      'candidate:1 1 udp 2122260223 0f1e2d3c-aaaa-bbbb-cccc-123456789abc.local 50000 typ host',
    ],
    ['loopback', 'candidate:2 1 udp 2122260223 127.0.0.1 50000 typ host'],
    ['the metadata service', 'candidate:3 1 udp 2122260223 169.254.169.254 80 typ host'],
    ['a private address', 'candidate:4 1 tcp 1518280447 10.0.0.1 443 typ host tcptype passive'],
    ['an IPv4-mapped IPv6 address', 'candidate:5 1 udp 2122260223 ::ffff:127.0.0.1 50000 typ host'],
  ])('never hands werift %s to send to, from the offer or trickled', (_name, c) => {
    const start = handleClientText(idle, offer(sdpWith([`a=${c}`, 'a=end-of-candidates'])), 0);
    expect(start.state.remoteCandidates).toBe(1);
    expect(start.actions).toEqual([expect.objectContaining({ kind: 'start-session', sdp: sdpWith([]) })]);
    expect(handleClientText(start.state, candidate(c), 0).actions).toEqual([]);
  });

  it('closes a connection that starts nothing by its idle deadline with 4000 idle, and not one that does', () => {
    const fresh = initialConnectionState({ setupTimeoutMs: SETUP_MS, idleDeadline: 10_000 });
    expect(nextDeadline(fresh)).toBe(10_000);
    expect(handleTimer(fresh, 9_999).actions).toEqual([]);
    expect(handleTimer(fresh, 10_000)).toEqual({
      state: { ...fresh, phase: 'ended' },
      actions: [
        { kind: 'send', message: { type: 'error', code: 'idle', message: expect.any(String) } },
        { kind: 'close', code: 4000, reason: 'idle' },
      ],
    });
    // Pings keep nobody from being idle; an offer or a probe-start does.
    const pinged = handleClientText(fresh, '{"type":"ping","seq":1,"t":1}', 5000).state;
    expect(pinged.idleDeadline).toBe(10_000);
    // A probe-start holds the connection while its session lives, then the idle timeout applies again.
    const withTimeout = initialConnectionState({
      setupTimeoutMs: SETUP_MS,
      idleDeadline: 10_000,
      idleTimeoutMs: 10_000,
    });
    const probing = handleClientText(withTimeout, '{"type":"probe-start"}', 5000).state;
    expect(probing.idleDeadline).toBe(5000 + 30_000 + 10_000);
    expect(nextDeadline(probing)).toBe(45_000);
    expect(handleTimer(probing, 45_000).actions).toContainEqual({
      kind: 'close',
      code: 4000,
      reason: 'idle',
    });
    expect(handleClientText(fresh, offer(), 5000).state.idleDeadline).toBeNull();
  });

  it('refuses offers and probe-starts with shutting-down (1001) while the relay drains', () => {
    const drained = handleDrain(idle, 5000);
    expect(drained).toEqual({ state: { ...idle, draining: true }, actions: [] });
    for (const text of [offer(), '{"type":"probe-start"}']) {
      expect(handleClientText(drained.state, text, 0).actions).toEqual([
        { kind: 'send', message: { type: 'error', code: 'shutting-down', message: expect.any(String) } },
        { kind: 'close', code: 1001, reason: 'shutting-down' },
      ]);
    }
    // A running session is told how long it has left, and keeps running.
    const running = handleClientText(idle, offer(), 0).state;
    expect(handleDrain(running, 5000)).toEqual({
      state: { ...running, draining: true },
      actions: [{ kind: 'send', message: { type: 'draining', graceMs: 5000 } }],
    });
  });

  it('still answers pings while a session runs', () => {
    const step = last(run([offer(), '{"type":"ping","seq":2,"t":1}']));
    expect(step.actions).toMatchObject([{ kind: 'send', message: { type: 'pong', seq: 2 } }]);
    expect(step.state.phase).toBe('negotiating');
  });
});
