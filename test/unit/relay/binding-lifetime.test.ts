import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_WINDOW_MS,
  BindingLifetimes,
  bindingPort,
  PROBE_TRIES,
  PROBE_WAIT_MS,
} from '../../../src/relay/core/binding-lifetime.ts';
import {
  bindingRequest,
  bindingSuccess,
  hasValidIntegrity,
  MESSAGE_TYPE,
  parseStun,
  type StunMessage,
  usernameOf,
} from '../../../src/relay/core/stun/stun-message.ts';

const RELAY_PORT = 18801;
const PEER = { ufrag: 'brw1', pwd: 'browserpasswordbrowserpw' };
const random = (n: number) => randomBytes(n);
const lifetimes = (gapsS = [15, 30]) =>
  new BindingLifetimes({
    random,
    credentials: () => ({ ufrag: `r${randomBytes(4).toString('hex')}`, pwd: 'relaypasswordrelaypass24' }),
    gapsS,
  });

const parse = (bytes: Uint8Array): StunMessage => {
  const p = parseStun(bytes);
  if (!p.ok) throw new Error(p.reason);
  return p.message;
};
/** A browser's connectivity check to the relay: "relayUfrag:browserUfrag", keyed with the relay's password. */
const check = (ufrag: string, pwd: string) =>
  parse(bindingRequest(randomBytes(12), `${ufrag}:${PEER.ufrag}`, pwd, randomBytes(8)));
const from = (port: number) => ({ address: '203.0.113.1', port });
const answerWith = (m: StunMessage, source: { address: string; port: number }) => (pwd: string) =>
  bindingSuccess(m.transactionId, source, pwd);

function started(l: BindingLifetimes, owner = 1) {
  const s = l.start(owner, RELAY_PORT, 0);
  if (!s.ok) throw new Error('refused');
  expect(l.setPeer(owner, s.ufrag, PEER)).toBe(true);
  return s;
}

describe('NAT binding lifetime, the relay core', () => {
  it('answers a mapping only in its first second, so the flow is two-way, then stays silent', () => {
    const l = lifetimes();
    const s = started(l);
    const m = check(s.ufrag, s.pwd);
    expect(l.handle(RELAY_PORT, m, from(40000), 100, answerWith(m, from(40000)))?.kind).toBe('answer');
    const late = check(s.ufrag, s.pwd);
    expect(
      l.handle(RELAY_PORT, late, from(40000), 100 + ANSWER_WINDOW_MS, answerWith(late, from(40000))),
    ).toEqual({
      kind: 'silent',
    });
    expect(l.outcomes(1, s.ufrag)).toEqual([{ gapS: 15, outcome: 'waiting' }]);
  });

  it('leaves datagrams of other sessions, other ports and bad integrity to the port probes', () => {
    const l = lifetimes();
    const s = started(l);
    const good = check(s.ufrag, s.pwd);
    expect(l.handle(RELAY_PORT + 1, good, from(40000), 0, answerWith(good, from(40000)))).toBeNull();
    const forged = check(s.ufrag, 'not-the-relay-password-00');
    expect(l.handle(RELAY_PORT, forged, from(40000), 0, answerWith(forged, from(40000)))).toBeNull();
    const other = check('someoneelse', s.pwd);
    expect(l.handle(RELAY_PORT, other, from(40000), 0, answerWith(other, from(40000)))).toBeNull();
  });

  it('probes each mapping once it has been idle for its gap, signed with the browser password', () => {
    const l = lifetimes();
    const s = started(l);
    const a = check(s.ufrag, s.pwd);
    const b = check(s.ufrag, s.pwd);
    l.handle(RELAY_PORT, a, from(40000), 0, answerWith(a, from(40000)));
    l.handle(RELAY_PORT, b, from(40002), 0, answerWith(b, from(40002)));
    // The browser kept checking the first mapping until 5 s: its gap counts from then.
    const again = check(s.ufrag, s.pwd);
    l.handle(RELAY_PORT, again, from(40000), 5000, answerWith(again, from(40000)));
    expect(l.due(19_999)).toEqual([]);
    const sent = l.due(20_000);
    expect(sent.map((o) => [o.relayPort, o.to.port])).toEqual([[RELAY_PORT, 40000]]);
    const request = parse(sent[0]?.bytes as Uint8Array);
    expect(request.type).toBe(MESSAGE_TYPE.BINDING_REQUEST);
    expect(usernameOf(request)).toBe(`${PEER.ufrag}:${s.ufrag}`);
    expect(hasValidIntegrity(request, PEER.pwd)).toBe(true);
    expect(l.outcomes(1, s.ufrag)).toEqual([
      { gapS: 15, outcome: 'probing' },
      { gapS: 30, outcome: 'waiting' },
    ]);
  });

  it('counts a signed answer from the mapping as survived, silence after the tries as expired', () => {
    const l = lifetimes();
    const s = started(l);
    for (const port of [40000, 40002]) {
      const m = check(s.ufrag, s.pwd);
      l.handle(RELAY_PORT, m, from(port), 0, answerWith(m, from(port)));
    }
    const first = l.due(15_000)[0];
    const request = parse(first?.bytes as Uint8Array);
    // An answer from elsewhere, or not signed by the browser, proves nothing.
    const wrongSource = parse(bindingSuccess(request.transactionId, from(1), PEER.pwd) as Uint8Array);
    l.handle(RELAY_PORT, wrongSource, from(40004), 15_100, () => null);
    const unsigned = parse(
      bindingSuccess(request.transactionId, from(1), 'someone-else-password-00') as Uint8Array,
    );
    l.handle(RELAY_PORT, unsigned, from(40000), 15_100, () => null);
    expect(l.outcomes(1, s.ufrag)?.[0]?.outcome).toBe('probing');
    const answer = parse(bindingSuccess(request.transactionId, from(1), PEER.pwd) as Uint8Array);
    expect(l.handle(RELAY_PORT, answer, from(40000), 15_200, () => null)).toEqual({ kind: 'silent' });
    // The second mapping: PROBE_TRIES requests, then expired once the wait is over.
    let tries = 0;
    for (let t = 30_000; t <= 30_000 + PROBE_WAIT_MS + 100; t += 100) tries += l.due(t).length;
    expect(tries).toBe(PROBE_TRIES);
    expect(l.outcomes(1, s.ufrag)).toEqual([
      { gapS: 15, outcome: 'survived' },
      { gapS: 30, outcome: 'expired' },
    ]);
  });

  it('measures one mapping per gap and ignores extra transports', () => {
    const l = lifetimes([15]);
    const s = started(l);
    const a = check(s.ufrag, s.pwd);
    const b = check(s.ufrag, s.pwd);
    l.handle(RELAY_PORT, a, from(40000), 0, answerWith(a, from(40000)));
    expect(l.handle(RELAY_PORT, b, from(40002), 0, answerWith(b, from(40002)))).toEqual({ kind: 'silent' });
    expect(l.outcomes(1, s.ufrag)).toHaveLength(1);
  });

  it('keeps sessions to their connection and ends them with it', () => {
    const l = lifetimes();
    const s = started(l, 1);
    expect(l.outcomes(2, s.ufrag)).toBeNull();
    expect(l.setPeer(2, s.ufrag, PEER)).toBe(false);
    expect(l.busy(0)).toBe(true);
    l.release(1);
    expect(l.outcomes(1, s.ufrag)).toBeNull();
    expect(l.busy(0)).toBe(false);
  });

  it('lasts long enough for the browser to settle and the longest gap, and then stops', () => {
    const l = lifetimes([15, 30, 60, 120]);
    const s = started(l);
    expect(s.expiresInS).toBe(Math.ceil(l.sessionMs / 1000));
    expect(l.sessionMs).toBeGreaterThan(120_000);
    expect(l.busy(l.sessionMs)).toBe(false);
    expect(l.passwordFor(s.ufrag, l.sessionMs)).toBeUndefined();
  });

  it('measures on the UDP probe port standing in for SIP/UDP 5090 when there is one, else the first', () => {
    expect(
      bindingPort([
        { providerPort: 8801, relayPort: 18801 },
        { providerPort: 5090, relayPort: 15090 },
      ]),
    ).toEqual({
      providerPort: 5090,
      relayPort: 15090,
    });
    expect(bindingPort([{ providerPort: 8801, relayPort: 18801 }])?.providerPort).toBe(8801);
    expect(bindingPort([])).toBeNull();
  });
});
