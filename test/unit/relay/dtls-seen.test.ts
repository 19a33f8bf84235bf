/**
 * What the relay's DTLS server saw of a handshake (core/dtls-seen.ts), fed the datagrams of a real werift
 * DTLS server and client in-process: a clean handshake, one whose large server datagrams are dropped (a path
 * with a small MTU), and one on which nothing from the server arrives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DtlsClient, DtlsServer } from 'werift';
import type { DtlsSeen as DtlsSeenCounts } from '../../../src/protocol/relay-messages.ts';
import { DtlsSeen } from '../../../src/relay/core/dtls-seen.ts';
import { closeSockets, endpoint, sockets, wire } from './dtls-wire.ts';

afterEach(closeSockets);

/** werift sends a flight again after 0.5 s, then 1 s, 2 s: two repeats come well inside this. */
const WATCH_MS = 8000;

/**
 * A handshake in which the server's datagrams that `arrives` refuses never reach the client. Watches until
 * it connects or the relay's tracking saw `enough` (WATCH_MS at most) and gives what the tracking saw.
 */
async function watch(arrives: (datagram: Buffer) => boolean, enough: (s: DtlsSeenCounts) => boolean) {
  const seen = new DtlsSeen();
  const serverWire = wire((data) => {
    seen.sent(data);
    if (arrives(data)) setImmediate(() => clientWire.onData(data));
  });
  const clientWire = wire((data) => {
    seen.received(data);
    setImmediate(() => serverWire.onData(data));
  });
  const server = new DtlsServer(await endpoint(serverWire));
  const client = new DtlsClient(await endpoint(clientWire));
  sockets.push(server, client);
  let connected = false;
  client.onConnect.once(() => {
    connected = true;
  });
  void client.connect().catch(() => undefined);
  const until = Date.now() + WATCH_MS;
  while (!connected && !enough(seen.snapshot()) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { connected, seen: seen.snapshot() };
}

describe('DtlsSeen: what the relay’s DTLS saw of the handshake', () => {
  it('a clean handshake: the cookie came back, one certificate flight, the client’s key exchange', async () => {
    const r = await watch(
      () => true,
      () => false,
    );
    expect(r.connected).toBe(true);
    // A busy machine may see werift resend a flight (after 0.5 s): the counts are at least these.
    expect(r.seen).toMatchObject({ cookieReturned: true, clientKeyExchange: true });
    expect(r.seen?.clientHellos).toBeGreaterThanOrEqual(2);
    expect(r.seen?.serverFlights).toBeGreaterThanOrEqual(1);
  });

  it('large datagrams dropped on the way back: the cookie came back, the flight went out again and again', async () => {
    const r = await watch(
      (d) => d.length <= 300,
      (s) => s.serverFlights >= 2 && s.clientHellos >= 3,
    );
    expect(r.connected).toBe(false);
    expect(r.seen.cookieReturned).toBe(true);
    expect(r.seen.serverFlights).toBeGreaterThanOrEqual(2);
    expect(r.seen.clientKeyExchange).toBe(false);
  });

  it('nothing from the relay arrives: the client’s hellos are heard, but never with the cookie', async () => {
    const r = await watch(
      () => false,
      (s) => s.clientHellos >= 2,
    );
    expect(r.connected).toBe(false);
    expect(r.seen.clientHellos).toBeGreaterThanOrEqual(2);
    expect(r.seen).toMatchObject({ cookieReturned: false, serverFlights: 0, clientKeyExchange: false });
  });
});

describe('DtlsSeen on what is not a handshake', () => {
  const record = (type: number, epoch: number, body: Buffer) => {
    const b = Buffer.alloc(13 + body.length);
    b[0] = type;
    b.writeUInt16BE(0xfefd, 1);
    b.writeUInt16BE(epoch, 3);
    b.writeUInt16BE(body.length, 11);
    body.copy(b, 13);
    return b;
  };
  /** A ClientHello's handshake header (fragment offset `offset`) and a body up to its cookie's length byte. */
  const clientHello = (cookieLength: number, offset = 0) => {
    const h = Buffer.alloc(12 + 34 + 2);
    h[0] = 1;
    h.writeUIntBE(offset, 6, 3);
    h.writeUIntBE(36, 9, 3);
    h[12 + 34] = 0;
    h[12 + 35] = cookieLength;
    return h;
  };

  it('ignores RTP, STUN, encrypted records and truncated records, and counts fragments once', () => {
    const seen = new DtlsSeen();
    seen.received(Buffer.from([0x80, 0x6f, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]));
    seen.received(Buffer.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]));
    seen.received(record(22, 1, clientHello(8)));
    seen.received(record(22, 0, clientHello(8)).subarray(0, 20));
    seen.received(record(22, 0, clientHello(8, 100)));
    expect(seen.snapshot()).toEqual({
      clientHellos: 0,
      cookieReturned: false,
      serverFlights: 0,
      clientKeyExchange: false,
    });
    seen.received(Buffer.concat([record(22, 0, clientHello(0)), record(22, 0, clientHello(0, 36))]));
    seen.received(record(22, 0, clientHello(16)));
    seen.received(record(20, 0, Buffer.from([1])));
    expect(seen.snapshot()).toEqual({
      clientHellos: 2,
      cookieReturned: true,
      serverFlights: 0,
      clientKeyExchange: true,
    });
  });
});
