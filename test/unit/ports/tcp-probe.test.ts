import { describe, expect, it } from 'vitest';
import { tcpProbe } from '../../../src/checks/ports/tcp-probe.ts';
import { blackholeFetch, fakeContext } from '../../fakes/check-context.ts';

describe('tcpProbe', () => {
  it('is open when the TLS listener answers', async () => {
    const r = await tcpProbe(fakeContext({ fetch: async () => new Response('{}') }), 'relay', 15096, 3000);
    expect(r).toMatchObject({ status: 'open', reason: 'ok' });
  });

  it('is refused when the browser reports a refused connection', async () => {
    const ctx = fakeContext({
      netErrors: { 'https://relay:15096/probe-port': 'net::ERR_CONNECTION_REFUSED' },
    });
    expect((await tcpProbe(ctx, 'relay', 15096, 3000)).status).toBe('refused');
  });

  it('treats a fast failure without detail as a refusal (no host permission to read the reason)', async () => {
    const r = await tcpProbe(fakeContext({}), 'relay', 15096, 3000);
    expect(r).toMatchObject({ status: 'refused', reason: 'failed-fast' });
  });

  it('is blocked when nothing answers within the limit', async () => {
    const r = await tcpProbe(fakeContext({ fetch: blackholeFetch }), 'relay', 15096, 200);
    expect(r).toMatchObject({ status: 'blocked', reason: 'timed-out' });
  });

  it('is blocked by the proxy when the browser says its proxy refused the tunnel', async () => {
    const url = 'https://relay:15096/probe-port';
    const ctx = fakeContext({
      netErrors: { [url]: 'net::ERR_TUNNEL_CONNECTION_FAILED' },
      routes: { [url]: { proxy: null, connectedTo: '192.168.77.1' } },
    });
    expect(await tcpProbe(ctx, 'relay', 15096, 3000)).toMatchObject({
      status: 'proxy-blocked',
      reason: 'proxy-failed',
      route: { proxy: null, connectedTo: '192.168.77.1' },
    });
  });

  it("Firefox's refusal by the proxy (NS_ERROR_PROXY_*) is blocked by the proxy too", async () => {
    const ctx = fakeContext({
      netErrors: { 'https://relay:15096/probe-port': 'NS_ERROR_PROXY_FORBIDDEN' },
    });
    expect((await tcpProbe(ctx, 'relay', 15096, 3000)).status).toBe('proxy-blocked');
  });

  it('keeps the route the browser reported for an open port', async () => {
    const url = 'https://relay:15443/probe-port';
    const ctx = fakeContext({
      fetch: async () => new Response('{}'),
      routes: { [url]: { proxy: 'proxy.corp:3128', connectedTo: '10.0.0.3' } },
    });
    expect(await tcpProbe(ctx, 'relay', 15443, 3000)).toMatchObject({
      status: 'open',
      route: { proxy: 'proxy.corp:3128' },
    });
  });
});
