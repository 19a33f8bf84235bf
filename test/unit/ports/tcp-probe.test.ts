import { describe, expect, it } from 'vitest';
import { tcpProbe } from '../../../src/checks/ports/tcp-probe.ts';
import type { ClientHello } from '../../../src/protocol/relay-messages.ts';
import { blackholeFetch, fakeContext } from '../../fakes/check-context.ts';
import { PROXY as PROXY_HELLO } from '../../fakes/client-hellos.ts';

const probePortAnswer = (clientHello: ClientHello | null) =>
  new Response(
    JSON.stringify({
      providerPort: 5096,
      relayPort: 15096,
      transport: 'tcp',
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
      clientHello,
    }),
  );

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

  it("names TLS inspection on the port when the relay received a hello without this browser's mark", async () => {
    const ctx = {
      ...fakeContext({ fetch: async () => probePortAnswer(PROXY_HELLO) }),
      tlsStack: 'chromium' as const,
    };
    expect(await tcpProbe(ctx, 'relay', 15096, 3000)).toMatchObject({
      status: 'open',
      inspection: { missing: 'grease', received: PROXY_HELLO },
    });
    const firefox = { ...ctx, tlsStack: 'firefox' as const };
    expect((await tcpProbe(firefox, 'relay', 15096, 3000)).inspection).toMatchObject({
      missing: 'record-size-limit',
    });
  });

  it("finds no inspection with the browser's own hello, without a hello, or with an answer that is not one", async () => {
    const own = { ...PROXY_HELLO, grease: true };
    for (const answer of [
      () => probePortAnswer(own),
      () => probePortAnswer(null),
      () => new Response('{}'),
      () => new Response(JSON.stringify({ clientHello: PROXY_HELLO })),
    ]) {
      const ctx = { ...fakeContext({ fetch: async () => answer() }), tlsStack: 'chromium' as const };
      const r = await tcpProbe(ctx, 'relay', 15096, 3000);
      expect(r.status).toBe('open');
      expect(r.inspection).toBeUndefined();
    }
    // A browser whose mark is not known compares nothing.
    const unknown = fakeContext({ fetch: async () => probePortAnswer(PROXY_HELLO) });
    expect((await tcpProbe(unknown, 'relay', 15096, 3000)).inspection).toBeUndefined();
  });
});
