/**
 * Slow and greedy clients against a real relay (issue 10, item 4): a TCP connection that never starts TLS,
 * request headers trickled in one line at a time, and one address opening connection after connection.
 * Each must be cut off by the relay's own limits, on the HTTPS port and on a TCP probe port alike, so other
 * clients keep their sockets.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';

let relay: TestRelay;
let probePort: number;
const CAP = 5;

beforeAll(async () => {
  [probePort] = (await freePorts('tcp', 1)) as [number];
  relay = await startTestRelay({
    probes: { tcp: [{ providerPort: 5061, relayPort: probePort }], udp: [] },
    connections: {
      tlsHandshakeTimeoutMs: 500,
      headersTimeoutMs: 1000,
      requestTimeoutMs: 1500,
      maxConnectionsPerAddress: CAP,
    },
  });
});
afterAll(() => relay.stop());

const closed = (s: Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));

/** A finished TLS handshake, or the error that ended it. */
function tlsOpen(port: number): Promise<{ socket: TLSSocket; ok: boolean }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: relay.tls.cert, servername: 'localhost' });
    socket.once('secureConnect', () => resolve({ socket, ok: true }));
    socket.once('error', () => resolve({ socket, ok: false }));
    socket.once('close', () => resolve({ socket, ok: false }));
  });
}

describe('slow clients', () => {
  it.each([
    ['the HTTPS port', () => relay.port],
    ['a TCP probe port', () => probePort],
  ])('closes a connection that never sends a ClientHello, on %s', async (_name, port) => {
    const socket = netConnect({ host: '127.0.0.1', port: port() });
    await new Promise((resolve) => socket.once('connect', resolve));
    // Nothing is sent; the relay, not this test, ends the connection (Node's default would hold it 120 s).
    await closed(socket);
    expect(socket.bytesWritten).toBe(0);
  });

  it('ends a request whose headers trickle in past the headers timeout', async () => {
    const { socket, ok } = await tlsOpen(relay.port);
    expect(ok).toBe(true);
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    let ended = false;
    const done = closed(socket).then(() => {
      ended = true;
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n');
    // One header line every 100 ms, up to 100 lines: ten times the configured headers timeout in all.
    let lines = 0;
    while (!ended && lines < 100) {
      socket.write(`X-Slow-${lines}: 1\r\n`);
      lines++;
      await new Promise((r) => setTimeout(r, 100));
    }
    await done;
    expect(lines).toBeLessThan(100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('TLS 1.2 suites', () => {
  /** Whether a TLS 1.2 client offering only `ciphers` gets a connection. */
  const offer = (port: number, ciphers: string) =>
    new Promise<boolean>((resolve) => {
      const s = tlsConnect({
        host: '127.0.0.1',
        port,
        ca: relay.tls.cert,
        servername: 'localhost',
        maxVersion: 'TLSv1.2',
        ciphers,
      });
      s.once('secureConnect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });

  it.each([
    ['the HTTPS port', () => relay.port],
    ['a TCP probe port', () => probePort],
  ])('offers AEAD suites only, no CBC, on %s', async (_name, port) => {
    // Both key types' names, whichever certificate the relay has.
    const both = (suite: string) => `ECDHE-RSA-${suite}:ECDHE-ECDSA-${suite}`;
    expect(await offer(port(), both('AES128-GCM-SHA256'))).toBe(true);
    expect(await offer(port(), both('CHACHA20-POLY1305'))).toBe(true);
    for (const cbc of ['AES128-SHA', 'AES256-SHA', 'AES128-SHA256', 'AES256-SHA384']) {
      expect(await offer(port(), `${both(cbc)}:AES128-SHA:AES256-SHA256`), cbc).toBe(false);
    }
  });
});

describe('connections per address', () => {
  it('caps open connections per address across the HTTPS and probe ports, and frees a slot on close', async () => {
    const held: TLSSocket[] = [];
    for (let i = 0; i < CAP - 1; i++) {
      const c = await tlsOpen(relay.port);
      expect(c.ok, `connection ${i + 1}`).toBe(true);
      held.push(c.socket);
    }
    const onProbe = await tlsOpen(probePort);
    expect(onProbe.ok).toBe(true);
    held.push(onProbe.socket);
    // The address holds CAP connections: the next one, on either port, is closed before TLS.
    expect((await tlsOpen(relay.port)).ok).toBe(false);
    expect((await tlsOpen(probePort)).ok).toBe(false);
    const first = held.shift() as TLSSocket;
    const gone = closed(first);
    first.destroy();
    await gone;
    // The relay sees the close a moment after this side does: a few tries, not a fixed wait.
    let again = await tlsOpen(relay.port);
    for (let i = 0; i < 40 && !again.ok; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await tlsOpen(relay.port);
    }
    expect(again.ok).toBe(true);
    for (const s of [...held, again.socket]) s.destroy();
    await Promise.all([...held, again.socket].map((s) => (s.closed ? Promise.resolve() : closed(s))));
    // Closed sockets are released on the relay's side a moment later; the counter survives either way.
    let metrics = '';
    for (let i = 0; i < 50 && !metrics; i++) {
      metrics = await relay.metrics().catch(() => '');
      if (!metrics) await new Promise((r) => setTimeout(r, 50));
    }
    expect(metrics).toMatch(/^svc_relay_connections_refused_total\{cap="address"\} [2-9]\d*$/m);
  });
});

describe('connections over all addresses', () => {
  const ALL = 6;
  let small: TestRelay;
  beforeAll(async () => {
    small = await startTestRelay({ connections: { maxConnectionsPerAddress: 100, maxConnections: ALL } });
  });
  afterAll(() => small.stop());

  /** A TLS connection to the small relay from one loopback address of 127.0.0.0/8. */
  const openFrom = (localAddress: string) =>
    new Promise<{ socket: TLSSocket; ok: boolean }>((resolve) => {
      const raw = netConnect({ host: '127.0.0.1', port: small.port, localAddress });
      const socket = tlsConnect({ socket: raw, ca: small.tls.cert, servername: 'localhost' });
      socket.once('secureConnect', () => resolve({ socket, ok: true }));
      socket.once('error', () => resolve({ socket, ok: false }));
      socket.once('close', () => resolve({ socket, ok: false }));
    });

  it('caps open connections over all addresses, each far below its own cap, and frees a slot on close', async () => {
    const held: TLSSocket[] = [];
    for (let i = 0; i < ALL; i++) {
      const c = await openFrom(`127.0.0.${2 + (i % 3)}`);
      expect(c.ok, `connection ${i + 1}`).toBe(true);
      held.push(c.socket);
    }
    // Three addresses hold two each; a fourth address, with none, is refused: the relay is full.
    expect((await openFrom('127.0.0.9')).ok).toBe(false);
    const first = held.shift() as TLSSocket;
    const gone = closed(first);
    first.destroy();
    await gone;
    // The relay sees the close a moment after this side does: a few tries, not a fixed wait.
    let again = await openFrom('127.0.0.9');
    for (let i = 0; i < 40 && !again.ok; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await openFrom('127.0.0.9');
    }
    expect(again.ok).toBe(true);
    held.push(again.socket);
    // Counted apart from the per-address refusals (read while one slot is still free for the request).
    const last = held.shift() as TLSSocket;
    const lastGone = closed(last);
    last.destroy();
    await lastGone;
    let metrics = '';
    for (let i = 0; i < 50 && !metrics; i++) {
      metrics = await small.metrics().catch(() => '');
      if (!metrics) await new Promise((r) => setTimeout(r, 50));
    }
    expect(metrics).toMatch(/^svc_relay_connections_refused_total\{cap="relay"\} [1-9]\d*$/m);
    expect(metrics).not.toMatch(/^svc_relay_connections_refused_total\{cap="address"\}/m);
    for (const s of held) s.destroy();
  });
});
