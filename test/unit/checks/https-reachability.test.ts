import { describe, expect, it, vi } from 'vitest';
import { checkHttps } from '../../../src/checks/https-reachability.ts';
import { DNS_NO_ANSWER_AFTER_MS } from '../../../src/checks/net-error.ts';
import { checkRelayHttps } from '../../../src/checks/relay-https.ts';
import { SECOND_LOOK_MS, tcpWitnessUrl } from '../../../src/checks/stall-diagnosis.ts';
import { TIMEOUTS } from '../../../src/checks/timeouts.ts';
import { blackholeFetch, endlessBody, fakeContext } from '../../fakes/check-context.ts';

const target = { id: 'https-target-1', title: 'HTTPS to provider', url: 'https://provider.example/' };

describe('checkHttps', () => {
  it('passes on any HTTP answer and records the status', async () => {
    const ctx = fakeContext({ fetch: async () => new Response('nope', { status: 404 }) });
    const r = await checkHttps(target, ctx);
    expect(r.status).toBe('pass');
    expect(r.data.httpStatus).toBe(404);
  });

  it('names DNS as the failed step when the browser reports a resolution failure', async () => {
    const ctx = fakeContext({ netErrors: { 'https://provider.example/': 'net::ERR_NAME_NOT_RESOLVED' } });
    const r = await checkHttps(target, ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'dns-failure', step: 'dns' });
    expect(r.summary).toContain('provider.example');
  });

  it('fails as timed out, not hanging, when packets are dropped', async () => {
    vi.useFakeTimers();
    try {
      const pending = checkHttps(target, fakeContext({ fetch: blackholeFetch }));
      await vi.advanceTimersByTimeAsync(TIMEOUTS.httpsMs + TIMEOUTS.netErrorWaitMs);
      const r = await pending;
      expect(r).toMatchObject({ status: 'fail', reason: 'timed-out', step: 'tcp' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses browser-restricted ports without trying, and says it is not the firewall', async () => {
    const fetch = vi.fn();
    const r = await checkHttps({ ...target, url: 'https://provider.example:5061/' }, fakeContext({ fetch }));
    expect(fetch).not.toHaveBeenCalled();
    expect(r).toMatchObject({ status: 'fail', reason: 'blocked-by-browser', step: 'browser' });
    expect(r.summary).toMatch(/not your firewall/);
  });
});

describe('checkRelayHttps', () => {
  const probe = (tls: string | null) =>
    new Response(
      JSON.stringify({
        relayVersion: '1.0.0',
        tls: { protocol: tls, cipher: 'TLS_AES_128_GCM_SHA256' },
        clientAddress: '203.0.113.9',
        serverTime: 1,
      }),
    );

  it('passes with the TLS version and the client address the relay saw (redacted only when shared)', async () => {
    const r = await checkRelayHttps(
      'https://relay.example',
      fakeContext({ fetch: async () => probe('TLSv1.3') }),
    );
    expect(r).toMatchObject({
      status: 'pass',
      data: { tlsVersion: 'TLSv1.3', clientAddress: '203.0.113.9' },
    });
  });

  it('fails below TLS 1.2', async () => {
    const r = await checkRelayHttps(
      'https://relay.example',
      fakeContext({ fetch: async () => probe('TLSv1.1') }),
    );
    expect(r).toMatchObject({ status: 'fail', reason: 'tls-too-old', step: 'tls' });
  });

  it('fails clearly when something other than the relay answers', async () => {
    const ctx = fakeContext({ fetch: async () => new Response('<html>captive portal</html>') });
    const r = await checkRelayHttps('https://relay.example', ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-bad-response', step: 'http' });
  });

  it('refuses an oversized answer from a hostile relay at the boundary, naming the field', async () => {
    const answer = {
      // Over the field's cap (128), under the answer's (64 KiB): the schema names the field.
      relayVersion: 'v'.repeat(8 * 1024),
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
      clientAddress: '203.0.113.9',
      serverTime: 1,
    };
    const ctx = fakeContext({ fetch: async () => new Response(JSON.stringify(answer)) });
    const r = await checkRelayHttps('https://relay.example', ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-bad-response', step: 'http' });
    expect(String(r.data.problem)).toMatch(/^relayVersion: /);
    const cipher = { ...answer, relayVersion: '1', tls: { protocol: 'TLSv1.3', cipher: 'c'.repeat(8192) } };
    const r2 = await checkRelayHttps(
      'https://relay.example',
      fakeContext({ fetch: async () => new Response(JSON.stringify(cipher)) }),
    );
    expect(String(r2.data.problem)).toMatch(/^tls\.cipher: /);
  });

  it('stops reading an endless answer at 64 KiB and says so, instead of filling memory', async () => {
    const endless = endlessBody();
    const ctx = fakeContext({ fetch: async () => new Response(endless.stream) });
    const r = await checkRelayHttps('https://relay.example', ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'relay-bad-response', step: 'http' });
    expect(r.data.problem).toBe('the answer is larger than 64 KiB');
    expect(endless.sent()).toBeLessThanOrEqual(64 * 1024 + 2 * 4096);
    expect(endless.cancelled()).toBe(true);
  });

  it('classifies an untrusted certificate as a TLS failure', async () => {
    const ctx = fakeContext({
      netErrors: { 'https://relay.example/probe': 'net::ERR_CERT_AUTHORITY_INVALID' },
    });
    const r = await checkRelayHttps('https://relay.example', ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'tls-certificate-rejected', step: 'tls' });
  });
});

describe('checkRelayHttps: what a timeout really was', () => {
  const RELAY = 'https://relay.example';
  /** HTTPS to the relay hangs; plain HTTP to the same port gets `witness` (a closed connection, or nothing). */
  const stalled =
    (witness: 'closes' | 'hangs' | 'hsts-redirect') =>
    (url: string, init?: RequestInit): Promise<Response> => {
      if (!url.startsWith('http:') || witness === 'hangs') return blackholeFetch(url, init);
      // With the relay's HSTS known, the browser answers plain HTTP itself with a redirect (opaque to fetch).
      return witness === 'closes'
        ? Promise.reject(new TypeError('Failed to fetch'))
        : Promise.resolve(new Response(null, { status: 200 }));
    };

  async function run(ctx: ReturnType<typeof fakeContext>) {
    vi.useFakeTimers();
    try {
      const pending = checkRelayHttps(RELAY, ctx);
      await vi.advanceTimersByTimeAsync(TIMEOUTS.httpsMs + SECOND_LOOK_MS + 3 * TIMEOUTS.netErrorWaitMs);
      return await pending;
    } finally {
      vi.useRealTimers();
    }
  }

  it('TCP opens (plain HTTP to 443 is closed at once) but TLS never completes: a TLS stall, not the firewall', async () => {
    const r = await run(fakeContext({ fetch: stalled('closes') }));
    expect(r).toMatchObject({ status: 'fail', reason: 'tls-stalled', step: 'tls' });
    expect(r.summary).toMatch(/TCP connection opened, but the TLS handshake never completed.*MTU/);
    expect(r.data.diagnosis).toMatchObject({ tcpWitness: 'closed' });
  });

  it("the browser's HSTS answers plain HTTP itself and no address is known: no evidence that TCP opened, so the firewall sentence stays", async () => {
    const r = await run(fakeContext({ fetch: stalled('hsts-redirect') }));
    expect(r).toMatchObject({ status: 'fail', reason: 'timed-out', step: 'tcp' });
    expect(r.data.diagnosis).toMatchObject({ tcpWitness: 'no-answer', tcpWitnessVia: 'none' });
  });

  /**
   * A browser with the relay's HSTS: plain HTTP to the name is its own redirect; plain HTTP to the address it
   * last reached the relay at (no HSTS for addresses) meets the relay's TLS listener, or nothing.
   */
  const withHsts =
    (address: 'closes' | 'hangs') =>
    (url: string, init?: RequestInit): Promise<Response> => {
      if (url === 'http://203.0.113.10:443/') {
        return address === 'closes'
          ? Promise.reject(new TypeError('Failed to fetch'))
          : blackholeFetch(url, init);
      }
      return stalled('hsts-redirect')(url, init);
    };
  const remembered = (host: string) => Promise.resolve(host === 'relay.example' ? '203.0.113.10' : null);

  it('with HSTS, plain HTTP to the address the browser last reached the relay at is closed at once: a TLS stall', async () => {
    const r = await run({ ...fakeContext({ fetch: withHsts('closes') }), knownAddress: remembered });
    expect(r).toMatchObject({ status: 'fail', reason: 'tls-stalled', step: 'tls' });
    expect(r.summary).toMatch(/TCP connection opened, but the TLS handshake never completed/);
    expect(r.data.diagnosis).toMatchObject({ tcpWitness: 'closed', tcpWitnessVia: 'address' });
  });

  it('with HSTS, the address gets no answer either: timed out at TCP, the firewall sentence', async () => {
    const r = await run({ ...fakeContext({ fetch: withHsts('hangs') }), knownAddress: remembered });
    expect(r).toMatchObject({ status: 'fail', reason: 'timed-out', step: 'tcp' });
    expect(r.data.diagnosis).toMatchObject({ tcpWitness: 'no-answer', tcpWitnessVia: 'none' });
  });

  it('a relay given by address is not asked twice, and a failing address memory is no address', async () => {
    const asked: string[] = [];
    const ctx = {
      ...fakeContext({
        fetch: (url, init) => {
          asked.push(url);
          return blackholeFetch(url, init);
        },
      }),
      knownAddress: () => Promise.reject(new Error('storage gone')),
    };
    vi.useFakeTimers();
    try {
      const pending = checkRelayHttps('https://198.51.100.7', ctx);
      await vi.advanceTimersByTimeAsync(TIMEOUTS.httpsMs + SECOND_LOOK_MS + 3 * TIMEOUTS.netErrorWaitMs);
      expect(await pending).toMatchObject({ reason: 'timed-out' });
    } finally {
      vi.useRealTimers();
    }
    expect(asked.filter((u) => u.startsWith('http:'))).toEqual(['http://198.51.100.7:443/']);
  });

  it('nothing answers on either look: timed out at TCP, the firewall sentence', async () => {
    const r = await run(fakeContext({ fetch: stalled('hangs') }));
    expect(r).toMatchObject({ status: 'fail', reason: 'timed-out', step: 'tcp' });
    expect(r.summary).toMatch(/allow outbound TCP/);
  });

  it('the second look learns from the browser that the name never resolved: DNS no answer', async () => {
    const second = `${RELAY}/probe?second-look=1`;
    const ctx = fakeContext({
      fetch: (url, init) => (url === second ? Promise.reject(new TypeError('x')) : blackholeFetch(url, init)),
      netErrors: { [second]: 'net::ERR_NAME_NOT_RESOLVED' },
    });
    const r = await run(ctx);
    expect(r).toMatchObject({ status: 'fail', reason: 'dns-no-answer', step: 'dns' });
    expect(r.summary).toMatch(/^DNS: no answer when looking up relay\.example/);
  });

  it('a name the browser could not resolve only after a while is DNS that never answered', async () => {
    let t = 0;
    const ctx = {
      ...fakeContext({ netErrors: { [`${RELAY}/probe`]: 'net::ERR_NAME_NOT_RESOLVED' } }),
      now: () => {
        t += DNS_NO_ANSWER_AFTER_MS;
        return t;
      },
    };
    expect(await checkRelayHttps(RELAY, ctx)).toMatchObject({ reason: 'dns-no-answer', step: 'dns' });
  });
});

describe('tcpWitnessUrl', () => {
  it('is plain HTTP to the same port, the default 443 written out', () => {
    expect(tcpWitnessUrl(new URL('https://relay.example/probe?x=1')).toString()).toBe(
      'http://relay.example:443/',
    );
    expect(tcpWitnessUrl(new URL('https://[2001:db8::1]:8443/probe')).toString()).toBe(
      'http://[2001:db8::1]:8443/',
    );
  });

  it('on the address instead of the name, the port kept', () => {
    expect(tcpWitnessUrl(new URL('https://relay.example/probe'), '203.0.113.10').toString()).toBe(
      'http://203.0.113.10:443/',
    );
    expect(tcpWitnessUrl(new URL('https://relay.example:8443/probe'), '2001:db8::1').toString()).toBe(
      'http://[2001:db8::1]:8443/',
    );
  });
});
