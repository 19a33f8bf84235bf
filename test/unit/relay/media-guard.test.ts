import { describe, expect, it } from 'vitest';
import { classes, Message, methods } from 'werift';
import {
  FIRST_FLIGHT_BYTES,
  MAX_MEDIA_DATAGRAM_BYTES,
  MediaGuard,
  MIN_CHECK_BYTES,
  rtpHeaderFits,
} from '../../../src/relay/core/media-guard.ts';
import { DEFAULT_SESSION_LIMITS } from '../../../src/relay/wss.ts';
import { iceCheck, RELAY_PWD, RELAY_UFRAG } from './stun-requests.ts';

const creds = { ufrag: RELAY_UFRAG, pwd: RELAY_PWD };
const BROWSER = '192.0.2.7:50000';
const STRANGER = '198.51.100.9:40000';
/** A DTLS 1.2 record header (handshake), then some bytes. */
const dtls = Buffer.concat([Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 4]), Buffer.alloc(4)]);
const rtp = Buffer.concat([Buffer.from([0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0x10, 0x92]), Buffer.alloc(80)]);
/** The relay's defaults (config/keys.ts): 25 checks a second per unproven source, 50 per session. */
const checkRate = DEFAULT_SESSION_LIMITS.unprovenChecks;
const guard = () => new MediaGuard({ maxBitsPerSecond: 256_000, checkRate });

describe('MediaGuard', () => {
  it('passes a check with this session’s credentials, then that source’s DTLS and RTP, and nobody else’s', () => {
    const g = guard();
    expect(g.inspect(dtls, BROWSER, creds, 0)).toEqual({ pass: false, reason: 'unknown-source' });
    expect(g.inspect(iceCheck(), BROWSER, creds, 0)).toEqual({ pass: true });
    expect(g.inspect(dtls, BROWSER, creds, 1)).toEqual({ pass: true });
    expect(g.inspect(rtp, BROWSER, creds, 2)).toEqual({ pass: true });
    // The same address from another port has proved nothing.
    expect(g.inspect(rtp, '192.0.2.7:50001', creds, 3)).toEqual({ pass: false, reason: 'unknown-source' });
    expect(g.inspect(dtls, STRANGER, creds, 3)).toEqual({ pass: false, reason: 'unknown-source' });
  });

  it.each([
    ['no USERNAME', iceCheck({ username: null }), 'stun-no-credentials'],
    ['no MESSAGE-INTEGRITY', iceCheck({ password: null }), 'stun-no-credentials'],
    ['another ufrag', iceCheck({ username: 'Someone1:BrUf' }), 'stun-bad-ufrag'],
    ['our ufrag without the colon', iceCheck({ username: RELAY_UFRAG }), 'stun-bad-ufrag'],
    ['the wrong password', iceCheck({ password: 'WrongPasswordWrongPass12' }), 'stun-bad-integrity'],
    ['another method', iceCheck({ method: 0x003 }), 'stun-not-binding'],
    ['an indication', iceCheck({ messageClass: classes.INDICATION }), 'stun-not-binding'],
  ])('drops a Binding Request with %s (%s), and its source stays unknown', (_name, bytes, reason) => {
    const g = guard();
    expect(g.inspect(bytes, STRANGER, creds, 0)).toEqual({ pass: false, reason });
    expect(g.inspect(dtls, STRANGER, creds, 0)).toEqual({ pass: false, reason: 'unknown-source' });
  });

  it('checks nothing and passes nothing before werift has credentials', () => {
    expect(guard().inspect(iceCheck(), BROWSER, null, 0)).toEqual({ pass: false, reason: 'stun-bad-ufrag' });
  });

  it('drops malformed STUN and truncated checks', () => {
    const check = iceCheck();
    const truncated = check.subarray(0, check.length - 8);
    expect(guard().inspect(truncated, BROWSER, creds, 0)).toEqual({ pass: false, reason: 'stun-malformed' });
    const badFingerprint = Buffer.from(check);
    badFingerprint[badFingerprint.length - 1] = (badFingerprint.at(-1) as number) ^ 1;
    expect(guard().inspect(badFingerprint, BROWSER, creds, 0)).toEqual({
      pass: false,
      reason: 'stun-malformed',
    });
  });

  it('drops an authenticated check smaller than an answer could be (no amplification)', () => {
    // USERNAME and MESSAGE-INTEGRITY only: 20 + 20 + 24 = 64 bytes.
    const m = new Message(methods.BINDING, classes.REQUEST);
    m.setAttribute('USERNAME', `${RELAY_UFRAG}:Br`);
    m.addMessageIntegrity(Buffer.from(RELAY_PWD, 'utf8'));
    expect(m.bytes.length).toBeLessThan(MIN_CHECK_BYTES);
    expect(guard().inspect(m.bytes, BROWSER, creds, 0)).toEqual({ pass: false, reason: 'stun-too-small' });
    expect(iceCheck().length).toBeGreaterThanOrEqual(MIN_CHECK_BYTES);
  });

  it('drops datagrams larger than a path MTU before parsing them', () => {
    const g = guard();
    g.inspect(iceCheck(), BROWSER, creds, 0);
    expect(g.inspect(Buffer.alloc(MAX_MEDIA_DATAGRAM_BYTES + 1, 0x80), BROWSER, creds, 1)).toEqual({
      pass: false,
      reason: 'oversized',
    });
  });

  it('authenticates at most a handful of sources', () => {
    const g = new MediaGuard({ maxBitsPerSecond: 256_000, checkRate, maxSources: 2 });
    expect(g.inspect(iceCheck(), 'a:1', creds, 0).pass).toBe(true);
    expect(g.inspect(iceCheck(), 'a:2', creds, 0).pass).toBe(true);
    expect(g.inspect(iceCheck(), 'a:3', creds, 0)).toEqual({ pass: false, reason: 'too-many-sources' });
    expect(g.inspect(iceCheck(), 'a:1', creds, 0).pass).toBe(true);
  });

  describe('checks from sources not proven to receive', () => {
    /** A check every 20 ms from each of `sources` for one second: the attack bench's forged-source row. */
    function flood(g: MediaGuard, sources: readonly string[], from = 0) {
      const verdicts: string[] = [];
      for (let t = from; t < from + 1000; t += 20) {
        for (const s of sources) {
          const v = g.inspect(iceCheck(), s, creds, t);
          verdicts.push(v.pass ? 'pass' : v.reason);
        }
      }
      return verdicts;
    }
    const forged = Array.from({ length: 64 }, (_, i) => `203.0.113.${i}:4000${i % 10}`);

    it('verifies at most a second’s burst plus the session rate, however many sources forge checks', () => {
      // A high bitrate cap, so that only the check rate can stop the flood here.
      const g = new MediaGuard({ maxBitsPerSecond: 1e9, checkRate, maxSources: 64 });
      const verdicts = flood(g, forged);
      expect(verdicts).toHaveLength(3200);
      // Without the limit every one of the 3,200 checks costs an HMAC and gets an answer.
      expect(g.integrityChecks).toBeLessThanOrEqual(2 * checkRate.perSession + 1);
      expect(verdicts.filter((v) => v === 'pass')).toHaveLength(g.integrityChecks);
      expect(verdicts.filter((v) => v === 'check-rate-session').length).toBeGreaterThan(3000);
    });

    it('limits one source to its own rate without using up the session’s for the others', () => {
      const g = guard();
      const verdicts = flood(g, [BROWSER]);
      // 50 checks in one second from one source: a second's burst (25) and 25 more refilled within it.
      expect(verdicts.filter((v) => v === 'check-rate-source').length).toBeGreaterThan(0);
      expect(g.integrityChecks).toBeLessThanOrEqual(2 * checkRate.perSource + 1);
      // The session still has checks left for another source.
      expect(g.inspect(iceCheck(), '192.0.2.8:50000', creds, 1000)).toEqual({ pass: true });
    });

    it('drops checks from a sixteenth-plus source before verifying them', () => {
      const g = new MediaGuard({ maxBitsPerSecond: 1e9, checkRate, maxSources: 2 });
      g.inspect(iceCheck(), 'a:1', creds, 0);
      g.inspect(iceCheck(), 'a:2', creds, 0);
      const before = g.integrityChecks;
      expect(g.inspect(iceCheck(), 'a:3', creds, 0)).toEqual({ pass: false, reason: 'too-many-sources' });
      expect(g.integrityChecks).toBe(before);
    });

    it('passes what a browser sends at ICE start, twice over: a check every 48 ms from each of two sources', () => {
      const g = guard();
      // Chrome paces one check every 48 ms over all its pairs while no answer comes back; here each of two
      // sources sends that many, for 3 s.
      for (let t = 0; t < 3000; t += 48) {
        for (const s of [BROWSER, '198.51.100.20:61000']) {
          expect(g.inspect(iceCheck(), s, creds, t)).toEqual({ pass: true });
        }
      }
    });

    it('never limits a proven source (consent checks, and an ICE restart, after DTLS)', () => {
      const g = new MediaGuard({ maxBitsPerSecond: 1e9, checkRate });
      g.inspect(iceCheck(), BROWSER, creds, 0);
      g.prove(BROWSER);
      for (let i = 0; i < 500; i++) expect(g.inspect(iceCheck(), BROWSER, creds, 1)).toEqual({ pass: true });
      expect(g.integrityChecks).toBe(501);
      // The proven source's checks used none of the session's rate: a new source still gets its burst.
      expect(g.inspect(iceCheck(), '192.0.2.8:50000', creds, 1)).toEqual({ pass: true });
    });

    it('does not verify a wrong ufrag, or a check too small to answer, at all', () => {
      const g = guard();
      const small = new Message(methods.BINDING, classes.REQUEST);
      small.setAttribute('USERNAME', `${RELAY_UFRAG}:Br`);
      small.addMessageIntegrity(Buffer.from(RELAY_PWD, 'utf8'));
      expect(g.inspect(iceCheck({ username: 'Someone1:BrUf' }), STRANGER, creds, 0).pass).toBe(false);
      expect(g.inspect(small.bytes, STRANGER, creds, 0)).toEqual({ pass: false, reason: 'stun-too-small' });
      expect(g.integrityChecks).toBe(0);
    });
  });

  it('stops passing anything once the session goes over its bitrate, and stays over', () => {
    const g = guard();
    g.inspect(iceCheck(), BROWSER, creds, 0);
    let t = 0;
    let verdict = g.inspect(rtp, BROWSER, creds, t);
    while (verdict.pass && t < 2000) verdict = g.inspect(Buffer.alloc(1400, 0x80), BROWSER, creds, ++t);
    expect(verdict).toEqual({ pass: false, reason: 'over-bitrate' });
    expect(g.overBitrate).toBe(true);
    expect(g.inspect(iceCheck(), BROWSER, creds, 60_000)).toEqual({ pass: false, reason: 'over-bitrate' });
  });
});

describe('rtpHeaderFits', () => {
  const header = (first: number, second = 111) =>
    Buffer.from([first, second, 0, 1, 0, 0, 0, 0, 0, 0, 0x10, 0x92]);
  it.each([
    ['a plain header', Buffer.concat([header(0x80), Buffer.alloc(80)]), true],
    ['15 CSRCs in a short packet', Buffer.concat([header(0x8f), Buffer.alloc(20)]), false],
    ['15 CSRCs that fit', Buffer.concat([header(0x8f), Buffer.alloc(60)]), true],
    ['an extension header cut off', Buffer.concat([header(0x90), Buffer.from([0xbe, 0xde])]), false],
    [
      'an extension longer than the packet',
      Buffer.concat([header(0x90), Buffer.from([0xbe, 0xde, 0xdd, 0x43]), Buffer.alloc(100)]),
      false,
    ],
    [
      'an extension that fits',
      Buffer.concat([header(0x90), Buffer.from([0xbe, 0xde, 0, 2]), Buffer.alloc(8)]),
      true,
    ],
    ['RTCP (werift’s range)', Buffer.concat([header(0x8f, 200), Buffer.alloc(2)]), true],
    ['not RTP at all', Buffer.from([22, 0xfe, 0xfd]), true],
  ])('%s: %s', (_name, bytes, fits) => {
    expect(rtpHeaderFits(bytes)).toBe(fits);
  });

  it('keeps the fuzz-found werift freeze (a 0xdd43-word extension) away from an authenticated session', () => {
    const g = guard();
    g.inspect(iceCheck(), BROWSER, creds, 0);
    const crash = Buffer.from(
      '94d8b90a07b156b0759fee4ed5f010c0fe17b360b59c03d7cda2d4d8bededd4324761cc0360346c21ed0213fef18075c64a06cd6ba29bbab25c68a3afd1b4e54ae7249bc334e9bdf5ce0f134595b91c653966137f09fa4f006a56cbf5680a1f29c064d088d19a62c0dfae2cc2eb4c3011785735faafb514124353ed89fccb9e083e7f26ba054b2129793119f3e0a6d',
      'hex',
    );
    expect(g.inspect(crash, BROWSER, creds, 1)).toEqual({ pass: false, reason: 'rtp-malformed' });
  });

  describe('egress', () => {
    const check = iceCheck();
    /** A ClientHello-shaped record: handshake (22), DTLS 1.2, handshake type 1 after the record header. */
    const hello = (size: number) => {
      const b = Buffer.alloc(size);
      b.set([22, 0xfe, 0xfd]);
      b[13] = 1;
      return b;
    };

    it('sends an unproven address no more bytes than it sent, answers included', () => {
      const g = guard();
      expect(g.mayEgress(BROWSER, Buffer.alloc(1))).toBe(false); // never heard from
      g.inspect(check, BROWSER, creds, 0);
      expect(g.mayEgress(BROWSER, Buffer.alloc(64))).toBe(true); // the answer
      expect(g.mayEgress(BROWSER, Buffer.alloc(check.length - 64 + 1))).toBe(false);
      expect(g.mayEgress(BROWSER, Buffer.alloc(check.length - 64))).toBe(true);
      expect(g.mayEgress(BROWSER, Buffer.alloc(1))).toBe(false);
      // A source that never authenticated is never sent anything, nor can it be proven.
      g.prove(STRANGER);
      expect(g.mayEgress(STRANGER, Buffer.alloc(1))).toBe(false);
    });

    it('sends a proven address anything', () => {
      const g = guard();
      g.inspect(check, BROWSER, creds, 0);
      g.prove(BROWSER);
      expect(g.isProven(BROWSER)).toBe(true);
      expect(g.mayEgress(BROWSER, Buffer.alloc(1200))).toBe(true);
    });

    it('as DTLS client, lets one ClientHello go unproven, once, and nothing larger', () => {
      const server = guard();
      server.inspect(check, BROWSER, creds, 0);
      expect(server.mayEgress(BROWSER, hello(111))).toBe(false);

      const client = new MediaGuard({ maxBitsPerSecond: 256_000, checkRate, dtlsClient: true });
      client.inspect(check, BROWSER, creds, 0);
      expect(client.mayEgress(STRANGER, hello(111))).toBe(false);
      expect(client.mayEgress(BROWSER, hello(FIRST_FLIGHT_BYTES + 1))).toBe(false);
      expect(client.mayEgress(BROWSER, Buffer.alloc(111))).toBe(false); // not a ClientHello
      expect(client.mayEgress(BROWSER, hello(111))).toBe(true);
      expect(client.mayEgress(BROWSER, hello(111))).toBe(false); // no retransmission before proof
    });
  });
});
