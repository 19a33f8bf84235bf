/**
 * `--metrics-listen` (issue 10, item 9): a pass-through TCP load balancer cannot block one path, so
 * /metrics can move to its own plain-HTTP address (or be switched off), and the public HTTPS port then
 * answers it with 404.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/relay/config/load.ts';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';

const relays: TestRelay[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.stop();
});

const httpGet = (port: number, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('metrics listen address', () => {
  it('serves /metrics only on its own address when one is set, and 404 on the HTTPS port', async () => {
    const [port] = (await freePorts('tcp', 1)) as [number];
    const relay = await startTestRelay({ metricsListen: { host: '127.0.0.1', port } });
    relays.push(relay);
    const m = await httpGet(port, '/metrics');
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/^svc_relay_sessions_active 0$/m);
    expect((await httpGet(port, '/healthz')).status).toBe(404);
    expect((await relay.get('/metrics')).status).toBe(404);
    expect((await relay.get('/healthz')).status).toBe(200);
  });

  it('serves no metrics at all when off, and on the HTTPS port by default', async () => {
    const off = await startTestRelay({ metricsListen: 'off' });
    relays.push(off);
    expect((await off.get('/metrics')).status).toBe(404);
    const plain = await startTestRelay();
    relays.push(plain);
    expect((await plain.get('/metrics')).status).toBe(200);
  });

  it('reads the setting', () => {
    expect(loadConfig([], {}).metricsListen).toBeNull();
    expect(loadConfig(['--metrics-listen', 'off'], {}).metricsListen).toBe('off');
    expect(loadConfig([], { SVC_RELAY_METRICS_LISTEN: '[::1]:9464' }).metricsListen).toEqual({
      host: '::1',
      port: 9464,
    });
    expect(() => loadConfig(['--metrics-listen', '9464'], {})).toThrow(
      '--metrics-listen: must be off or host:port, e.g. 127.0.0.1:9464 (got "9464")',
    );
  });
});
