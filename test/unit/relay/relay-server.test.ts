import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NO_NET_ERRORS } from '../../../src/checks/context.ts';
import { checkRelayWss } from '../../../src/checks/relay-wss.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(() => relay.stop());

function get(path: string, opts: { maxVersion?: 'TLSv1.1' } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(`${relay.url}${path}`, { ca: relay.tls.cert, ...opts }, (res) => {
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

/** ws's WebSocket, trusting the test relay's certificate, with the browser constructor's signature. */
const TrustingWebSocket = class extends WebSocket {
  constructor(url: string) {
    super(url, { ca: relay.tls.cert });
  }
} as unknown as typeof globalThis.WebSocket;

function openWs(): Promise<{ ws: WebSocket; messages: string[]; closed: Promise<number> }> {
  const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/ws`, { ca: relay.tls.cert });
  const messages: string[] = [];
  ws.on('message', (d) => messages.push(d.toString()));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, messages, closed }));
    ws.on('error', reject);
  });
}

describe('relay HTTPS', () => {
  it('answers /healthz', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', version: 'test' });
  });

  it('reports the TLS version, cipher and client address on /probe, readable cross-origin with timing', async () => {
    const r = await get('/probe');
    const body = JSON.parse(r.body);
    expect(body.tls.protocol).toBe('TLSv1.3');
    expect(body.tls.cipher).toMatch(/^TLS_/);
    expect(body.clientAddress).toMatch(/127\.0\.0\.1/);
    // The hello Node's TLS client sent (OpenSSL: no GREASE, no record_size_limit), as the relay read it.
    expect(body.clientHello).toMatchObject({ grease: false });
    expect(body.clientHello.extensions).not.toContain(28);
    expect(body.clientHello.cipherSuites).toBeGreaterThan(0);
    expect(r.headers['timing-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 404 for unknown paths', async () => {
    expect((await get('/nope')).status).toBe(404);
  });

  it('refuses TLS below 1.2', async () => {
    await expect(get('/probe', { maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });
});

describe('relay WSS', () => {
  it('greets with TLS details and answers pings', async () => {
    const { ws, messages } = await openWs();
    ws.send(JSON.stringify({ type: 'ping', seq: 3, t: 12.5 }));
    await expect.poll(() => messages.length).toBe(2);
    expect(JSON.parse(messages[0] as string)).toMatchObject({ type: 'hello', tls: { protocol: 'TLSv1.3' } });
    expect(JSON.parse(messages[1] as string)).toMatchObject({ type: 'pong', seq: 3, t: 12.5 });
    ws.close();
  });

  it.each([
    ['not json', 'bad-json', 1008],
    [JSON.stringify({ type: 'dance' }), 'bad-message', 1008],
    [JSON.stringify({ type: 'ping', seq: 1, t: 1, extra: true }), 'bad-message', 1008],
  ])('answers %s with %s and closes %i', async (text, code, closeCode) => {
    const { ws, messages, closed } = await openWs();
    ws.send(text);
    expect(await closed).toBe(closeCode);
    expect(JSON.parse(messages[1] as string)).toMatchObject({ type: 'error', code });
  });

  it('closes with 1009 on an oversized message', async () => {
    const { ws, closed } = await openWs();
    ws.send('x'.repeat(100 * 1024));
    expect(await closed).toBe(1009);
  });

  it('passes the extension WSS check, run in Node against the real relay', async () => {
    const r = await checkRelayWss(relay.url, {
      fetch,
      WebSocket: TrustingWebSocket,
      now: () => performance.now(),
      netErrors: NO_NET_ERRORS,
    });
    expect(r).toMatchObject({ status: 'pass', data: { sent: 5, received: 5, tlsVersion: 'TLSv1.3' } });
  });
});
