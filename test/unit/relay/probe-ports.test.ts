/**
 * The probe ports end to end in one process, over loopback: WSS probe-start, a real STUN check over UDP to
 * a probe port, GET /probe-port over TLS, probe-observed, and ports held by another socket reported as
 * unbound rather than skipped.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbePortResponse, ServerMessage } from '../../../src/protocol/relay-messages.ts';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { decodeResponse, iceCheck } from './stun-requests.ts';

let relay: TestRelay;
let tcpPort: number;
let heldTcpPort: number;
let udpPorts: number[];
let heldUdpPort: number;
let heldTcp: Server;
let heldUdp: UdpSocket;

beforeAll(async () => {
  [tcpPort, heldTcpPort] = (await freePorts('tcp', 2)) as [number, number];
  const udp = await freePorts('udp', 3);
  udpPorts = udp.slice(0, 2);
  heldUdpPort = udp[2] as number;
  // Another process's sockets, as far as the relay can tell.
  heldTcp = createServer();
  await new Promise<void>((r) => heldTcp.listen(heldTcpPort, '127.0.0.1', () => r()));
  heldUdp = createSocket('udp4');
  await new Promise<void>((r) => heldUdp.bind(heldUdpPort, '127.0.0.1', () => r()));
  relay = await startTestRelay({
    probes: {
      tcp: [
        { providerPort: 5096, relayPort: tcpPort },
        { providerPort: 5097, relayPort: heldTcpPort },
      ],
      udp: [
        { providerPort: 40000, relayPort: udpPorts[0] as number },
        { providerPort: 49999, relayPort: udpPorts[1] as number },
        { providerPort: 60000, relayPort: heldUdpPort },
      ],
    },
  });
});

afterAll(async () => {
  await relay?.stop();
  heldTcp?.close();
  heldUdp?.close();
});

function httpsGet(port: number, path: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(`https://127.0.0.1:${port}${path}`, { ca: relay.tls.cert }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** Sends one datagram from `socket` and waits up to waitMs for the first answer (null if none came). */
function exchange(socket: UdpSocket, port: number, data: Uint8Array, waitMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      resolve(null);
    }, waitMs);
    const onMessage = (msg: Buffer) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(msg);
    };
    socket.on('message', onMessage);
    socket.send(data, port, '127.0.0.1');
  });
}

async function clientSocket(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return socket;
}

describe('probe ports', () => {
  it('reports the ports it could not open at start and in /healthz, and keeps serving', async () => {
    const unbound = [
      { transport: 'tcp', providerPort: 5097, relayPort: heldTcpPort, error: 'EADDRINUSE' },
      { transport: 'udp', providerPort: 60000, relayPort: heldUdpPort, error: 'EADDRINUSE' },
    ];
    expect(relay.probes).toEqual({
      address: '127.0.0.1',
      tcp: [{ providerPort: 5096, relayPort: tcpPort }],
      udp: [
        { providerPort: 40000, relayPort: udpPorts[0] },
        { providerPort: 49999, relayPort: udpPorts[1] },
      ],
      unbound,
    });
    const health = await relay.healthz();
    expect(health.status).toBe('ok');
    expect(health.probes).toMatchObject({ tcp: relay.probes.tcp, udp: relay.probes.udp, unbound });
  });

  it('answers GET /probe-port over TLS on a TCP probe port, readable cross-origin with timing', async () => {
    const r = await httpsGet(tcpPort, '/probe-port');
    expect(r.status).toBe(200);
    const body = v.parse(ProbePortResponse, JSON.parse(r.body));
    expect(body).toMatchObject({ providerPort: 5096, relayPort: tcpPort, transport: 'tcp' });
    expect(body.tls.protocol).toBe('TLSv1.3');
    expect(body.tls.cipher).toMatch(/^TLS_/);
    // The hello Node's TLS client sent (OpenSSL: no GREASE, no record_size_limit), read on this port too.
    expect(body.clientHello).toMatchObject({ grease: false });
    expect(body.clientHello?.extensions).not.toContain(28);
    expect(body.clientHello?.cipherSuites).toBeGreaterThan(0);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['timing-allow-origin']).toBe('*');
    expect((await httpsGet(tcpPort, '/healthz')).status).toBe(404);
  });

  it('answers a STUN check under probe-session credentials, and lists the binding in probe-observed', async () => {
    const client = await SignalingClient.open(relay);
    const socket = await clientSocket();
    try {
      client.send({ type: 'probe-start' });
      const session = await client.next('probe-session');
      expect(v.safeParse(ServerMessage, session).success).toBe(true);
      expect(session).toMatchObject({
        expiresInS: 30,
        address: '127.0.0.1',
        tcp: relay.probes.tcp,
        udp: relay.probes.udp,
        unbound: relay.probes.unbound,
        clientAddress: '127.0.0.1',
      });

      // A wrong password gets silence, not an error.
      const forged = iceCheck({ username: `${session.ufrag}:BrUf`, password: 'x'.repeat(24) });
      expect(await exchange(socket, udpPorts[0] as number, forged, 300)).toBeNull();

      for (const port of udpPorts) {
        const check = iceCheck({ username: `${session.ufrag}:BrUf`, password: session.pwd });
        const answer = await exchange(socket, port, check, 2000);
        expect(answer).not.toBeNull();
        const decoded = decodeResponse(answer as Buffer, session.pwd);
        expect(decoded).toMatchObject({ type: 0x0101, mapped: ['127.0.0.1', socket.address().port] });
        expect(decoded?.transactionId.equals(check.subarray(8, 20))).toBe(true);
      }

      client.send({ type: 'probe-results' });
      const observed = await client.next('probe-observed');
      expect(v.safeParse(ServerMessage, observed).success).toBe(true);
      const remote = { remoteAddress: '127.0.0.1', remotePort: socket.address().port };
      expect(observed).toEqual({
        type: 'probe-observed',
        ufrag: session.ufrag,
        bindings: [
          { relayPort: udpPorts[0], providerPort: 40000, ...remote },
          { relayPort: udpPorts[1], providerPort: 49999, ...remote },
        ],
      });
      const { stun } = (await relay.healthz()).probes;
      expect(stun.answered).toBeGreaterThanOrEqual(2);
      expect(stun.ignored['bad-integrity']).toBeGreaterThanOrEqual(1);

      // Once the connection is gone (the relay sees the close a moment after the client) its credentials
      // stop working.
      client.close();
      await client.closed;
      const late = iceCheck({ username: `${session.ufrag}:BrUf`, password: session.pwd });
      await expect
        .poll(() => exchange(socket, udpPorts[0] as number, late, 200), { timeout: 3000 })
        .toBeNull();
    } finally {
      client.close();
      socket.close();
    }
  });

  it('refuses a third live probe session on one connection with busy, and probe-results before any', async () => {
    const early = await SignalingClient.open(relay);
    early.send({ type: 'probe-results' });
    expect(await early.next('error')).toMatchObject({ code: 'bad-state' });
    expect((await early.closed).code).toBe(1008);

    const client = await SignalingClient.open(relay);
    client.send({ type: 'probe-start' });
    client.send({ type: 'probe-start' });
    client.send({ type: 'probe-start' });
    expect(await client.next('error')).toMatchObject({ code: 'busy', retryAfterS: 30 });
    expect((await client.closed).code).toBe(1013);
    expect(client.messages.filter((m) => m.type === 'probe-session')).toHaveLength(2);
  });
});
