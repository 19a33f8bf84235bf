/**
 * The relay's DTLS handshake on a lossy downlink, against a client that receives as Firefox does: real
 * werift DTLS server and client in-process, joined by a shim that loses one of the server's datagrams and
 * applies Firefox's (NSS's) two receive rules, which werift's client lacks: a record number seen before is
 * a replay and dropped, and a handshake message ahead of the next expected one is dropped unread (its
 * number still counts as seen). Without new numbers for repeated records, a lost Certificate stalls the
 * handshake for good; that is what regions-firefox.e2e.ts hit in about one run in three.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DtlsClient, DtlsServer } from 'werift';
import { RecordNumbers, renumberRepeatedRecords } from '../../../src/relay/media/dtls-record-numbers.ts';
import { closeSockets, endpoint, sockets, wire } from './dtls-wire.ts';

const HANDSHAKE = 22;
const CERTIFICATE = 11;
const SERVER_HELLO = 2;
const SERVER_KEY_EXCHANGE = 12;
/** Longest wait for a handshake that loses one datagram: werift sends a flight again after 0.5 s, then 1 s. */
const HANDSHAKE_LIMIT_MS = 8000;

interface DtlsRecord {
  type: number;
  epoch: number;
  sequence: number;
  /** The handshake message's type and message_seq, for an unencrypted handshake record. */
  message?: { type: number; seq: number };
  bytes: Buffer;
}

function records(datagram: Buffer): DtlsRecord[] {
  const out: DtlsRecord[] = [];
  for (let at = 0; at + 13 <= datagram.length; ) {
    const bytes = datagram.subarray(at, at + 13 + datagram.readUInt16BE(at + 11));
    const type = bytes[0] as number;
    const epoch = bytes.readUInt16BE(3);
    const message =
      type === HANDSHAKE && epoch === 0 && bytes.length >= 19
        ? { type: bytes[13] as number, seq: bytes.readUInt16BE(17) }
        : undefined;
    out.push({ type, epoch, sequence: bytes.readUIntBE(5, 6), message, bytes });
    at += bytes.length;
  }
  return out;
}

/** What of a server datagram reaches the client's handshake, as Firefox's NSS receives it. */
class ReceivesLikeFirefox {
  private readonly seen = new Set<string>();
  private nextMessage = 0;

  admit(datagram: Buffer): Buffer | null {
    const kept: Buffer[] = [];
    for (const r of records(datagram)) {
      const key = `${r.epoch}/${r.sequence}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (r.message) {
        if (r.message.seq !== this.nextMessage) continue;
        this.nextMessage++;
      }
      kept.push(r.bytes);
    }
    return kept.length > 0 ? Buffer.concat(kept) : null;
  }
}

afterEach(closeSockets);

/** Whether `socket` connects, before the limit and before `giveUp` settles. */
function connects(socket: DtlsServer | DtlsClient, giveUp: Promise<void>): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const limit = setTimeout(() => resolve(false), HANDSHAKE_LIMIT_MS);
    const end = (up: boolean) => {
      clearTimeout(limit);
      resolve(up);
    };
    void giveUp.then(() => end(false));
    socket.onConnect.once(() => end(true));
  });
}

/**
 * A handshake in which the first server datagram that carries a message of type `lose` is lost. Gives every
 * datagram the server sent, and whether both sides connected and agree on the SRTP keys. With
 * `giveUpAfterServerHellos`, stops waiting once the server has sent its ServerHello that many times more.
 */
async function handshake(
  lose: number,
  renumber: boolean,
  giveUpAfterServerHellos = Number.POSITIVE_INFINITY,
) {
  const firefox = new ReceivesLikeFirefox();
  const sent: Buffer[] = [];
  let lost = false;
  let serverHellos = 0;
  let giveUp: () => void = () => undefined;
  const gaveUp = new Promise<void>((resolve) => {
    giveUp = resolve;
  });
  const serverWire = wire((data) => {
    sent.push(data);
    const messages = records(data).map((r) => r.message?.type);
    if (messages.includes(SERVER_HELLO) && ++serverHellos > giveUpAfterServerHellos) giveUp();
    if (!lost && messages.includes(lose)) {
      lost = true;
      return;
    }
    const admitted = firefox.admit(data);
    if (admitted) setImmediate(() => clientWire.onData(admitted));
  });
  const clientWire = wire((data) => setImmediate(() => serverWire.onData(data)));
  const server = new DtlsServer({ ...(await endpoint(serverWire)), certificateRequest: true });
  if (renumber) renumberRepeatedRecords(server as never);
  const client = new DtlsClient(await endpoint(clientWire));
  sockets.push(server, client);
  const both = Promise.all([connects(server, gaveUp), connects(client, gaveUp)]);
  void client.connect().catch(() => undefined);
  const connected = (await both).every(Boolean);
  const sameKeys =
    connected &&
    client.extractSessionKeys(16, 14).localKey.equals(server.extractSessionKeys(16, 14).remoteKey);
  return { lost, sent, connected, sameKeys };
}

describe('DTLS record numbers of the relay (werift server)', () => {
  it.each([
    ['Certificate', CERTIFICATE],
    ['ServerHello', SERVER_HELLO],
    ['ServerKeyExchange', SERVER_KEY_EXCHANGE],
  ])(
    'completes the handshake when its %s is lost once, against a client that drops replays',
    async (_, lose) => {
      const r = await handshake(lose, true);
      expect(r.lost).toBe(true);
      expect(r.connected).toBe(true);
      expect(r.sameKeys).toBe(true);
      // Every unencrypted record the server sent, first copies and repeats, had a number of its own.
      const numbers = r.sent
        .flatMap(records)
        .filter((x) => x.epoch === 0)
        .map((x) => x.sequence);
      expect(numbers.length).toBeGreaterThan(6);
      expect(new Set(numbers).size).toBe(numbers.length);
    },
  );

  it('without new numbers, three repeats of the flight do not get the handshake past a lost Certificate', async () => {
    // werift alone repeats its flight with the old numbers, and the client drops them as replays.
    const r = await handshake(CERTIFICATE, false, 3);
    expect(r.lost).toBe(true);
    expect(r.connected).toBe(false);
    const numbers = r.sent
      .flatMap(records)
      .filter((x) => x.epoch === 0)
      .map((x) => x.sequence);
    expect(new Set(numbers).size).toBeLessThan(numbers.length);
  });
});

describe('RecordNumbers', () => {
  const record = (type: number, epoch: number, sequence: number, body = Buffer.from([1, 2, 3])) => {
    const b = Buffer.alloc(13 + body.length);
    b[0] = type;
    b.writeUInt16BE(0xfefd, 1);
    b.writeUInt16BE(epoch, 3);
    b.writeUIntBE(sequence, 5, 6);
    b.writeUInt16BE(body.length, 11);
    body.copy(b, 13);
    return b;
  };
  const numbersOf = (d: Buffer) => records(d).map((r) => `${r.epoch}/${r.sequence}`);

  it('leaves new numbers alone and returns the same buffer', () => {
    const n = new RecordNumbers();
    const first = Buffer.concat([record(22, 0, 1), record(22, 0, 2)]);
    expect(n.renumber(first)).toBe(first);
    expect(numbersOf(n.renumber(record(22, 0, 5)))).toEqual(['0/5']);
  });

  it('gives a repeated unencrypted record the next unused number, in a copy', () => {
    const n = new RecordNumbers();
    n.renumber(Buffer.concat([record(22, 0, 2), record(22, 0, 3)]));
    const again = Buffer.concat([record(22, 0, 2), record(22, 0, 3)]);
    const before = Buffer.from(again);
    const out = n.renumber(again);
    expect(numbersOf(out)).toEqual(['0/4', '0/5']);
    expect(again).toEqual(before);
    expect(out.subarray(13, 16)).toEqual(Buffer.from([1, 2, 3]));
    // werift's own next record (its counter says 4) is moved past the repeats too.
    expect(numbersOf(n.renumber(record(20, 0, 4)))).toEqual(['0/6']);
  });

  it('never renumbers an encrypted record (its number is authenticated) and skips what is not DTLS', () => {
    const n = new RecordNumbers();
    const finished = record(22, 1, 8);
    expect(n.renumber(finished)).toBe(finished);
    expect(n.renumber(finished)).toBe(finished);
    const rtp = Buffer.from([0x80, 0x6f, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(n.renumber(rtp)).toBe(rtp);
  });
});
