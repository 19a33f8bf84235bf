import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classes, Message, methods } from 'werift';
import { RateLimiter } from '../../../src/relay/core/rate-limit.ts';
import {
  IGNORE_REASONS,
  respondToDatagram,
  type StunAction,
} from '../../../src/relay/core/stun/binding-responder.ts';
import {
  bindingSuccess,
  hasValidIntegrity,
  parseStun,
  usernameOf,
  xorMappedAddress,
} from '../../../src/relay/core/stun/stun-message.ts';
import { decodeResponse, iceCheck, RELAY_PWD, RELAY_UFRAG } from './stun-requests.ts';

/** RFC 5769 §2.1: a Binding Request with USERNAME "evtj:h6vY" (space-padded), MESSAGE-INTEGRITY, FINGERPRINT. */
// biome-ignore format: laid out as in the RFC, one attribute a line
const RFC5769_REQUEST = Buffer.from([
  0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
  0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74,
  0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
  0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
  0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20,
  0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
  0xc1, 0xb5, 0x71, 0xa2,
  0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
]);
const RFC5769_PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';
/** The transaction id of RFC 5769's samples. */
const RFC5769_TID = Buffer.from('b7e7a701bc34d686fa87dfae', 'hex');

const SOURCE = { address: '192.0.2.33', port: 51234 };

/** Recomputes the trailing FINGERPRINT after a test changed the message. */
function withFreshFingerprint(message: Buffer): void {
  message.writeUInt32BE(
    (crc32(message.subarray(0, message.length - 8)) ^ 0x5354554e) >>> 0,
    message.length - 4,
  );
}

function deps(password: Record<string, string> = { [RELAY_UFRAG]: RELAY_PWD }) {
  return {
    passwordFor: (ufrag: string) => password[ufrag],
    limit: new RateLimiter({ limit: 50, windowMs: 1000, maxKeys: 100 }),
  };
}

const respond = (data: Uint8Array, d = deps(), now = 0) => respondToDatagram(data, SOURCE, now, d);

describe('STUN message', () => {
  it('verifies the RFC 5769 sample request (FINGERPRINT, MESSAGE-INTEGRITY, padded USERNAME)', () => {
    expect(RFC5769_REQUEST).toHaveLength(108);
    const parsed = parseStun(RFC5769_REQUEST);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(usernameOf(parsed.message)).toBe('evtj:h6vY');
    expect(hasValidIntegrity(parsed.message, RFC5769_PASSWORD)).toBe(true);
    expect(hasValidIntegrity(parsed.message, 'wrong')).toBe(false);
  });

  it('encodes XOR-MAPPED-ADDRESS as in RFC 5769 §2.2 (192.0.2.1:32853)', () => {
    const value = xorMappedAddress({ address: '192.0.2.1', port: 32853 }, RFC5769_TID);
    expect(Buffer.from(value ?? []).toString('hex')).toBe('0001a147e112a643');
  });

  it('encodes an IPv6 source as in RFC 5769 §2.3, XORed with the transaction id too', () => {
    const value = xorMappedAddress(
      { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 },
      RFC5769_TID,
    );
    expect(Buffer.from(value ?? []).toString('hex')).toBe('0002a1470113a9faa5d3f179bc25f4b5bed2b9d9');
    // The same address compressed, and with an IPv4 tail, encode alike.
    const compressed = xorMappedAddress({ address: '2001:db8::1', port: 1 }, RFC5769_TID);
    const full = xorMappedAddress({ address: '2001:db8:0:0:0:0:0:1', port: 1 }, RFC5769_TID);
    expect(compressed).toEqual(full);
    const tail = xorMappedAddress({ address: '64:ff9b::192.0.2.1', port: 1 }, RFC5769_TID);
    expect(tail).toEqual(xorMappedAddress({ address: '64:ff9b::c000:201', port: 1 }, RFC5769_TID));
    for (const bad of ['1::2::3', '2001:db8::g', 'relay.voice.test', '1:2:3:4:5:6:7:8:9']) {
      expect(xorMappedAddress({ address: bad, port: 1 }, RFC5769_TID)).toBeNull();
    }
  });

  it('answers an IPv6 source with a response werift decodes (76 bytes, still smaller than the check)', () => {
    const tid = Buffer.from('00112233445566778899aabb', 'hex');
    const v6 = { address: 'fd00:113::10', port: 40001 };
    const bytes = bindingSuccess(tid, v6, RELAY_PWD);
    expect(bytes).toHaveLength(76);
    expect(decodeResponse(bytes as Uint8Array)).toMatchObject({ mapped: [v6.address, v6.port] });
    const answer = respondToDatagram(iceCheck(), v6, 0, deps());
    expect(answer.kind).toBe('answer');
  });

  it('builds a response that werift decodes, with only XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT', () => {
    const tid = Buffer.from('00112233445566778899aabb', 'hex');
    const bytes = bindingSuccess(tid, SOURCE, RELAY_PWD);
    expect(bytes).toHaveLength(64);
    const decoded = decodeResponse(bytes as Uint8Array);
    expect(decoded).toMatchObject({
      type: 0x0101,
      attributes: ['XOR-MAPPED-ADDRESS', 'MESSAGE-INTEGRITY', 'FINGERPRINT'],
      mapped: [SOURCE.address, SOURCE.port],
    });
    expect(decoded?.transactionId.equals(tid)).toBe(true);
    expect(decodeResponse(bytes as Uint8Array, 'another password')).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['short', '0001'],
    ['no magic cookie', `00010000${'00'.repeat(16)}`],
    ['RTP-looking first byte', `80010000${'2112a442'}${'00'.repeat(12)}`],
  ])('calls %s not STUN', (_, hex) => {
    expect(parseStun(Buffer.from(hex, 'hex'))).toEqual({ ok: false, reason: 'not-stun' });
  });

  it('refuses lengths that do not add up', () => {
    const good = iceCheck();
    const longer = Buffer.concat([good, Buffer.alloc(4)]);
    expect(parseStun(longer)).toEqual({ ok: false, reason: 'malformed' });
    const lying = Buffer.from(good);
    lying.writeUInt16BE(26, 22); // the first attribute claims more than is there
    expect(parseStun(lying).ok).toBe(false);
  });
});

describe('STUN binding responder', () => {
  it('answers a werift-encoded check with the source as XOR-MAPPED-ADDRESS, signed with the same password', () => {
    const request = iceCheck();
    const action = respond(request);
    expect(action).toMatchObject({ kind: 'answer', ufrag: RELAY_UFRAG });
    if (action.kind !== 'answer') return;
    const decoded = decodeResponse(action.bytes);
    expect(decoded).toMatchObject({ type: 0x0101, mapped: [SOURCE.address, SOURCE.port] });
    expect(decoded?.transactionId.equals(request.subarray(8, 20))).toBe(true);
    expect(action.bytes.length).toBeLessThanOrEqual(request.length);
  });

  it('answers the RFC 5769 sample request under its ufrag', () => {
    const action = respond(RFC5769_REQUEST, deps({ evtj: RFC5769_PASSWORD }));
    expect(action.kind).toBe('answer');
    if (action.kind === 'answer') expect(decodeResponse(action.bytes, RFC5769_PASSWORD)).toBeDefined();
  });

  it('answers a check without FINGERPRINT (it is optional in RFC 5389)', () => {
    expect(respond(iceCheck({ fingerprint: false })).kind).toBe('answer');
  });

  it.each<[string, Uint8Array, StunAction]>([
    ['no MESSAGE-INTEGRITY', iceCheck({ password: null }), { kind: 'ignore', reason: 'no-integrity' }],
    ['no USERNAME', iceCheck({ username: null }), { kind: 'ignore', reason: 'no-username' }],
    [
      'an unknown ufrag',
      iceCheck({ username: 'Stranger:BrUf' }),
      { kind: 'ignore', reason: 'unknown-ufrag' },
    ],
    [
      'the ufrags swapped',
      iceCheck({ username: `BrUf:${RELAY_UFRAG}` }),
      { kind: 'ignore', reason: 'unknown-ufrag' },
    ],
    [
      'no colon in USERNAME',
      iceCheck({ username: RELAY_UFRAG }),
      { kind: 'ignore', reason: 'unknown-ufrag' },
    ],
    ['a wrong password', iceCheck({ password: 'x'.repeat(24) }), { kind: 'ignore', reason: 'bad-integrity' }],
    ['an indication', iceCheck({ messageClass: 0x0010 }), { kind: 'ignore', reason: 'not-binding-request' }],
    [
      'a success response',
      iceCheck({ messageClass: 0x0100 }),
      { kind: 'ignore', reason: 'not-binding-request' },
    ],
    ['an Allocate request', iceCheck({ method: 0x0003 }), { kind: 'ignore', reason: 'not-binding-request' }],
  ])('ignores a request with %s', (_, request, expected) => {
    expect(respond(request)).toEqual(expected);
  });

  it('ignores a request whose FINGERPRINT does not match', () => {
    const request = iceCheck();
    request[request.length - 1] = (request[request.length - 1] ?? 0) ^ 1;
    expect(respond(request)).toEqual({ kind: 'ignore', reason: 'bad-fingerprint' });
  });

  it('ignores a request whose signed part was changed, even with a fresh FINGERPRINT', () => {
    const request = iceCheck();
    request[44] = (request[44] ?? 0) ^ 0x01; // PRIORITY's value, after the 13-byte USERNAME
    withFreshFingerprint(request);
    expect(respond(request)).toEqual({ kind: 'ignore', reason: 'bad-integrity' });
  });

  it('does not take a USERNAME that only follows MESSAGE-INTEGRITY (it is not signed)', () => {
    const m = new Message(methods.BINDING, classes.REQUEST);
    m.setAttribute('PRIORITY', 1);
    m.addMessageIntegrity(Buffer.from(RELAY_PWD));
    m.setAttribute('USERNAME', `${RELAY_UFRAG}:BrUf`);
    m.addFingerprint();
    expect(respond(m.bytes)).toEqual({ kind: 'ignore', reason: 'no-username' });
  });

  it('does not answer with more bytes than it received', () => {
    const m = new Message(methods.BINDING, classes.REQUEST);
    m.setAttribute('USERNAME', `${RELAY_UFRAG}:B`);
    m.addMessageIntegrity(Buffer.from(RELAY_PWD));
    expect(m.bytes.length).toBeLessThan(64);
    expect(respond(m.bytes)).toEqual({ kind: 'ignore', reason: 'too-small' });
  });

  it('limits answers per source address, refilling over time', () => {
    const d = deps();
    const actions = Array.from({ length: 60 }, () => respondToDatagram(iceCheck(), SOURCE, 1000, d));
    expect(actions.filter((a) => a.kind === 'answer')).toHaveLength(50);
    expect(actions.at(-1)).toEqual({ kind: 'ignore', reason: 'rate-limited' });
    // Another source has its own allowance; the first gets 5 back after 100 ms.
    expect(respondToDatagram(iceCheck(), { ...SOURCE, address: '192.0.2.34' }, 1000, d).kind).toBe('answer');
    const later = Array.from({ length: 6 }, () => respondToDatagram(iceCheck(), SOURCE, 1100, d).kind);
    expect(later).toEqual(['answer', 'answer', 'answer', 'answer', 'answer', 'ignore']);
  });

  it('never throws on 5000 random, truncated and corrupted datagrams, and answers none that were altered', () => {
    let seed = 0x5eed;
    // mulberry32: small, seeded, good enough to spread inputs.
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number) => Math.floor(rand() * n);
    const valid = iceCheck();
    const miEnd = valid.length - 8; // werift puts FINGERPRINT right after MESSAGE-INTEGRITY
    const seen = new Map<string, number>();
    let answeredAltered = 0;
    for (let i = 0; i < 5000; i++) {
      let data: Buffer;
      let altered = true;
      switch (i % 5) {
        case 0: // noise
          data = Buffer.from(Array.from({ length: int(200) }, () => int(256)));
          break;
        case 1: // a real check, cut short
          data = valid.subarray(0, int(valid.length));
          break;
        case 2: {
          // a real check with a few bytes changed
          data = Buffer.from(valid);
          const at = int(valid.length);
          data[at] = (data[at] ?? 0) ^ (1 + int(255));
          altered = at < miEnd;
          // Half the time with a FINGERPRINT that fits again, so MESSAGE-INTEGRITY has to catch it.
          if (altered && int(2) === 0) withFreshFingerprint(data);
          break;
        }
        case 3: {
          // a plausible header, then random attributes with the length field made to fit
          const body = Buffer.from(Array.from({ length: 4 * int(40) }, () => int(256)));
          for (let p = 0; p + 4 <= body.length; p += 4 + 4 * int(4)) {
            body.writeUInt16BE([0x0006, 0x0008, 0x8028, 0x0024, int(65536)][int(5)] ?? 0, p);
            body.writeUInt16BE(int(3) === 0 ? int(65536) : int(40), p + 2);
          }
          const header = Buffer.from(valid.subarray(0, 20));
          header.writeUInt16BE(body.length, 2);
          data = Buffer.concat([header, body]);
          break;
        }
        default: {
          // a real check with its header length or an attribute length lying
          data = Buffer.from(valid);
          data.writeUInt16BE(int(65536), [2, 22, 42, 50][int(4)] ?? 2);
          break;
        }
      }
      const action = respondToDatagram(data, SOURCE, i * 100, deps());
      const key = action.kind === 'answer' ? 'answer' : action.reason;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (action.kind === 'answer' && altered) answeredAltered++;
      expect(IGNORE_REASONS.includes(key as never) || key === 'answer').toBe(true);
    }
    expect(answeredAltered).toBe(0);
    // The generator reaches deep enough to exercise every layer of checks.
    for (const reason of ['not-stun', 'malformed', 'bad-fingerprint', 'bad-integrity']) {
      expect(seen.get(reason) ?? 0).toBeGreaterThan(0);
    }
  });
});
