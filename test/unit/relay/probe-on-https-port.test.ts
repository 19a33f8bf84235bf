/**
 * A relay standing in for the provider serves HTTPS on the provider's 443 and must answer the 443 probe
 * there too: the TCP probe whose relay port is the HTTPS port is served by the HTTPS listener, listed as
 * open in probe-session, and never reported unbound.
 */
import { get as httpsGet } from 'node:https';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbePortResponse } from '../../../src/protocol/relay-messages.ts';
import { probeServedByHttps } from '../../../src/relay/probes/probe-listeners.ts';
import { freePorts, startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';

let relay: TestRelay;
let httpsPort: number;
let otherPort: number;

beforeAll(async () => {
  [httpsPort, otherPort] = (await freePorts('tcp', 2)) as [number, number];
  relay = await startTestRelay({
    port: httpsPort,
    probes: {
      tcp: [
        { providerPort: 443, relayPort: httpsPort },
        { providerPort: 5061, relayPort: otherPort },
      ],
      udp: [],
    },
  });
});

afterAll(async () => {
  await relay?.stop();
});

describe('a TCP probe on the relay HTTPS port', () => {
  it('is answered by the HTTPS listener with the provider port it stands for', async () => {
    const r = await relay.get('/probe-port');
    expect(r.status).toBe(200);
    const body = v.parse(ProbePortResponse, JSON.parse(r.body));
    expect(body).toMatchObject({ providerPort: 443, relayPort: httpsPort, transport: 'tcp' });
    expect(r.headers['access-control-allow-origin']).toBe('*');
    // The HTTPS port's own routes still work.
    expect((await relay.get('/healthz')).status).toBe(200);
  });

  it('sends HSTS on a probe port with its own listener, as on the HTTPS port', async () => {
    const { status, hsts } = await new Promise<{ status?: number; hsts: unknown }>((resolve, reject) => {
      const req = httpsGet(
        { host: '127.0.0.1', port: otherPort, path: '/probe-port', rejectUnauthorized: false, timeout: 5000 },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'] });
        },
      );
      req.on('timeout', () => req.destroy(new Error('probe port did not answer within 5 s')));
      req.on('error', reject);
    });
    expect(status).toBe(200);
    expect(hsts).toBe('max-age=31536000');
    expect((await relay.get('/probe-port')).headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('is listed as open in probe-session, next to a port with its own listener, and nothing is unbound', async () => {
    expect(relay.probes.tcp).toEqual([
      { providerPort: 443, relayPort: httpsPort },
      { providerPort: 5061, relayPort: otherPort },
    ]);
    expect(relay.probes.unbound).toEqual([]);
    const client = await SignalingClient.open(relay);
    try {
      client.send({ type: 'probe-start' });
      const session = await client.next('probe-session');
      expect(session).toMatchObject({ tcp: relay.probes.tcp, unbound: [] });
    } finally {
      client.close();
    }
  });
});

describe('probeServedByHttps', () => {
  const probes = { address: '10.0.0.5', tcp: [{ providerPort: 443, relayPort: 443 }], udp: [] };
  it('picks the probe on the HTTPS port when the HTTPS listener covers the probe address', () => {
    expect(probeServedByHttps(probes, { host: '10.0.0.5', port: 443 })).toEqual(probes.tcp[0]);
    expect(probeServedByHttps(probes, { host: '0.0.0.0', port: 443 })).toEqual(probes.tcp[0]);
  });
  it('answers for its own port unasked, unless that provider port is mapped elsewhere', () => {
    const none = { ...probes, tcp: [] };
    expect(probeServedByHttps(none, { host: '10.0.0.5', port: 443 })).toEqual({
      providerPort: 443,
      relayPort: 443,
    });
    const mapped = { ...probes, tcp: [{ providerPort: 443, relayPort: 20443 }] };
    expect(probeServedByHttps(mapped, { host: '10.0.0.5', port: 443 })).toBeNull();
  });
  it('leaves it to its own listener on another address, or when the port is picked at start', () => {
    expect(probeServedByHttps(probes, { host: '10.0.0.6', port: 443 })).toBeNull();
    expect(probeServedByHttps(probes, { host: '10.0.0.5', port: 0 })).toBeNull();
  });
});
