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
});
