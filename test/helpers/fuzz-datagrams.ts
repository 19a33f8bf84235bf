/**
 * Seeded, reproducible junk for the relay's UDP and ICE-TCP ports: STUN, RTP, RTCP and DTLS datagrams that
 * look almost right (truncated, lengths that lie, counts that overrun, flipped bits) plus plain noise. The
 * same seed gives the same datagrams, so a crash found once can be replayed and kept as a fixture
 * (test/fixtures/fuzz/).
 */
import { classes, Message, methods } from 'werift';

/** mulberry32: small, fast, and good enough to pick mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FuzzKind = 'stun' | 'rtp' | 'rtcp' | 'dtls' | 'noise';
export const FUZZ_KINDS: readonly FuzzKind[] = ['stun', 'rtp', 'rtcp', 'dtls', 'noise'];

interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  bytes(n: number): Buffer;
  pick<T>(xs: readonly T[]): T;
}

function rngOf(next: () => number): Rng {
  const int = (max: number) => Math.floor(next() * max);
  return {
    next,
    int,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))),
    pick: (xs) => xs[int(xs.length)] as (typeof xs)[number],
  };
}

/** Flips a few random bits, truncates, or overwrites a 16-bit field with a random value. */
function mutate(r: Rng, b: Buffer): Buffer {
  const out = Buffer.from(b);
  switch (r.int(4)) {
    case 0:
      return out.subarray(0, r.int(out.length + 1));
    case 1:
      for (let i = 0, n = 1 + r.int(8); i < n && out.length; i++) {
        const at = r.int(out.length);
        out[at] = (out[at] as number) ^ (1 << r.int(8));
      }
      return out;
    case 2:
      if (out.length >= 2) out.writeUInt16BE(r.int(0x10000), r.int(out.length - 1));
      return out;
    default:
      return Buffer.concat([out, r.bytes(r.int(64))]);
  }
}

function stun(r: Rng, credentials: { ufrag: string; pwd: string } | null): Buffer {
  if (r.int(3) === 0) {
    // A STUN header (any type, the magic cookie, a lying length) and random attributes.
    const head = Buffer.alloc(20);
    head.writeUInt16BE(r.int(0x4000), 0);
    head.writeUInt16BE(r.int(0x10000) & (r.int(2) ? 0xfffc : 0xffff), 2);
    head.writeUInt32BE(0x2112a442, 4);
    r.bytes(12).copy(head, 8);
    const attrs: Buffer[] = [];
    for (let i = 0, n = r.int(6); i < n; i++) {
      const a = Buffer.alloc(4);
      a.writeUInt16BE(
        r.pick([0x0006, 0x0008, 0x0020, 0x8028, 0x0024, 0x8029, 0x802a, 0x0025, r.int(0x10000)]),
        0,
      );
      a.writeUInt16BE(r.int(r.int(2) ? 64 : 0x10000), 2);
      attrs.push(a, r.bytes(r.int(48)));
    }
    return Buffer.concat([head, ...attrs]);
  }
  const m = new Message(
    r.pick([methods.BINDING, methods.BINDING, 0x003, 0x004, 0x008, r.int(0x1000)]),
    r.pick([classes.REQUEST, classes.REQUEST, classes.INDICATION, classes.RESPONSE, classes.ERROR]),
  );
  const ufrag = credentials && r.int(2) ? credentials.ufrag : 'Fuzz0001';
  if (r.int(4)) m.setAttribute('USERNAME', `${ufrag}:${'x'.repeat(r.int(r.int(8) ? 8 : 600))}`);
  if (r.int(2)) m.setAttribute('PRIORITY', r.int(0x7fffffff));
  if (r.int(2)) m.setAttribute('ICE-CONTROLLING', BigInt(r.int(0x7fffffff)));
  if (r.int(3) === 0) m.setAttribute('USE-CANDIDATE', null);
  if (r.int(4))
    m.addMessageIntegrity(
      Buffer.from(credentials && r.int(2) ? credentials.pwd : 'FuzzPasswordFuzzPass0001'),
    );
  if (r.int(2)) m.addFingerprint();
  return r.int(3) ? mutate(r, m.bytes) : m.bytes;
}

function rtp(r: Rng): Buffer {
  const cc = r.int(16);
  const extension = r.int(2);
  const padding = r.int(4) === 0;
  const head = Buffer.alloc(12);
  head[0] = 0x80 | (padding ? 0x20 : 0) | (extension ? 0x10 : 0) | cc;
  head[1] = (r.int(2) ? 0x80 : 0) | r.pick([0, 8, 96, 111, 127, r.int(128)]);
  head.writeUInt16BE(r.int(0x10000), 2);
  head.writeUInt32BE(r.int(0x100000000), 4);
  head.writeUInt32BE(r.int(0x100000000), 8);
  // Often fewer CSRCs than the count says, and an extension whose length overruns the packet.
  const csrcs = r.bytes(4 * (r.int(2) ? cc : r.int(cc + 1)));
  const ext = Buffer.alloc(extension ? 4 : 0);
  if (extension) {
    ext.writeUInt16BE(r.pick([0xbede, 0x1000, r.int(0x10000)]), 0);
    ext.writeUInt16BE(r.int(2) ? r.int(4) : r.int(0x10000), 2);
  }
  const body = r.bytes(r.int(r.int(8) ? 200 : 1400));
  if (padding && body.length) body[body.length - 1] = r.int(256);
  return Buffer.concat([head, csrcs, ext, body]).subarray(0, r.int(6) ? undefined : r.int(20));
}

function rtcp(r: Rng): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const head = Buffer.alloc(4);
    head[0] = 0x80 | (r.int(4) === 0 ? 0x20 : 0) | r.int(32);
    head[1] = r.pick([200, 201, 202, 203, 204, 205, 206, 207, r.int(256)]);
    // The length field (in 32-bit words, minus one) lies half the time.
    const words = r.int(12);
    head.writeUInt16BE(r.int(2) ? words : r.int(0x10000), 2);
    parts.push(head, r.bytes(4 * words + (r.int(4) === 0 ? r.int(4) : 0)));
  }
  return Buffer.concat(parts);
}

function dtls(r: Rng): Buffer {
  const records: Buffer[] = [];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const head = Buffer.alloc(13);
    head[0] = r.pick([20, 21, 22, 22, 22, 23, 24, r.int(256)]);
    head.writeUInt16BE(r.pick([0xfefd, 0xfeff, r.int(0x10000)]), 1);
    head.writeUInt16BE(r.int(3), 3);
    r.bytes(6).copy(head, 5);
    let body: Buffer;
    if (head[0] === 22) {
      // Handshake: type, length, message_seq, fragment_offset, fragment_length, often inconsistent.
      const hs = Buffer.alloc(12);
      hs[0] = r.pick([1, 2, 3, 11, 12, 13, 14, 15, 16, 20, r.int(256)]);
      const len = r.int(2) ? r.int(400) : r.int(0x1000000);
      hs.writeUIntBE(len, 1, 3);
      hs.writeUInt16BE(r.int(8), 4);
      hs.writeUIntBE(r.int(2) ? 0 : r.int(0x1000000), 6, 3);
      hs.writeUIntBE(r.int(3) === 0 ? 0 : r.int(2) ? Math.min(len, 300) : r.int(0x1000000), 9, 3);
      body = Buffer.concat([hs, r.bytes(r.int(300))]);
    } else {
      body = r.bytes(r.int(200));
    }
    head.writeUInt16BE(r.int(3) ? body.length : r.int(0x10000), 11);
    records.push(head, body);
  }
  return Buffer.concat(records);
}

function noise(r: Rng): Buffer {
  const n = r.int(10) === 0 ? 1500 + r.int(200) : r.int(300);
  const b = r.bytes(n);
  // Steer the first byte into each demultiplexing range (RFC 7983): STUN 0-3, DTLS 20-63, RTP/RTCP 128-191.
  if (n) b[0] = r.pick([r.int(4), 20 + r.int(44), 128 + r.int(64), r.int(256)]);
  return b;
}

export interface FuzzDatagram {
  kind: FuzzKind;
  bytes: Buffer;
}

/** `count` datagrams for `seed`, cycling through the kinds. */
export function fuzzDatagrams(
  seed: number,
  count: number,
  credentials: { ufrag: string; pwd: string } | null = null,
): FuzzDatagram[] {
  const r = rngOf(prng(seed));
  const out: FuzzDatagram[] = [];
  for (let i = 0; i < count; i++) {
    const kind = FUZZ_KINDS[i % FUZZ_KINDS.length] as FuzzKind;
    const bytes =
      kind === 'stun'
        ? stun(r, credentials)
        : kind === 'rtp'
          ? rtp(r)
          : kind === 'rtcp'
            ? rtcp(r)
            : kind === 'dtls'
              ? dtls(r)
              : noise(r);
    out.push({ kind, bytes });
  }
  return out;
}
