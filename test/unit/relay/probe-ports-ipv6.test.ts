/**
 * The probe ports over IPv6 (--probe-address6), in one process over loopback (::1): the same ports listen on
 * both families, probe-session names the IPv6 address, a STUN check from an IPv6 socket is answered with
 * an IPv6 XOR-MAPPED-ADDRESS and lands in probe-observed, and the TLS probe answers there too.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { request } from 'node:https';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbePortResponse, ServerMessage } from '../../../src/protocol/relay-messages.ts';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { decodeResponse, iceCheck } from './stun-requests.ts';

let relay: TestRelay;
let tcpPort: number;
let udpPort: number;

beforeAll(async () => {
  [tcpPort] = (await freePorts('tcp', 1)) as [number];
  [udpPort] = (await freePorts('udp', 1)) as [number];
  relay = await startTestRelay({
    probes: {
      address6: '::1',
      tcp: [{ providerPort: 5096, relayPort: tcpPort }],
      udp: [{ providerPort: 40000, relayPort: udpPort }],
    },
  });
});

afterAll(async () => {
  await relay?.stop();
});

function exchange6(
  socket: UdpSocket,
  port: number,
  data: Uint8Array,
  waitMs: number,
): Promise<Buffer | null> {
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
    socket.send(data, port, '::1');
  });
}

function probePort6(port: number) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '::1', port, path: '/probe-port', ca: relay.tls.cert, servername: 'localhost' },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('probe ports over IPv6', () => {
  it('listens on the IPv6 address too and says so in probe-session', async () => {
    expect(relay.probes).toMatchObject({ address: '127.0.0.1', address6: '::1', unbound: [], unbound6: [] });
    const client = await SignalingClient.open(relay);
    try {
      client.send({ type: 'probe-start' });
      const session = await client.next('probe-session');
      expect(v.safeParse(ServerMessage, session).success).toBe(true);
      expect(session).toMatchObject({ address: '127.0.0.1', address6: '::1', unbound6: [] });
    } finally {
      client.close();
    }
  });

  it('answers a STUN check from an IPv6 socket with its IPv6 address, and records the binding', async () => {
    const client = await SignalingClient.open(relay);
    const socket = createSocket('udp6');
    await new Promise<void>((r) => socket.bind(0, '::1', () => r()));
    try {
      client.send({ type: 'probe-start' });
      const session = await client.next('probe-session');
      const check = iceCheck({ username: `${session.ufrag}:BrUf`, password: session.pwd });
      const answer = await exchange6(socket, udpPort, check, 2000);
      expect(answer).not.toBeNull();
      expect(decodeResponse(answer as Buffer, session.pwd)).toMatchObject({
        type: 0x0101,
        mapped: ['::1', socket.address().port],
      });
      client.send({ type: 'probe-results' });
      const observed = await client.next('probe-observed');
      expect(observed.bindings).toEqual([
        { relayPort: udpPort, providerPort: 40000, remoteAddress: '::1', remotePort: socket.address().port },
      ]);
    } finally {
      client.close();
      socket.close();
    }
  });

  it('answers GET /probe-port over TLS on the IPv6 address', async () => {
    const r = await probePort6(tcpPort);
    expect(r.status).toBe(200);
    expect(v.parse(ProbePortResponse, JSON.parse(r.body))).toMatchObject({
      providerPort: 5096,
      relayPort: tcpPort,
    });
  });
});
