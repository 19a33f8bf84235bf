import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../../src/checks/types.ts';
import type { Message } from '../../../src/messages/message.ts';
import { english } from '../../../src/messages/render.ts';
import { browserNameOf, LEFT_OUT, runWebCheck, type WebCheckEnv } from '../../../web/web-check.ts';
import { fakePeerConnection, fakeRelaySocket, fakeTone } from '../../fakes/fake-webrtc.ts';

/**
 * The scripted relay socket, answering pings too, as the relay's WSS does, and probe sessions with one TCP
 * probe port (the provider's 5096 on the relay's 15096) and no UDP one.
 */
function relaySocket(): typeof WebSocket {
  const Base = fakeRelaySocket('answers') as unknown as new (
    url: string,
  ) => { send(text: string): void; emit(m: unknown): void };
  return class extends Base {
    override send(text: string) {
      const m = JSON.parse(text);
      if (m.type === 'ping') this.emit({ type: 'pong', seq: m.seq, t: m.t, serverTime: 1 });
      else if (m.type === 'probe-start') {
        this.emit({
          type: 'probe-session',
          ufrag: 'abcd',
          pwd: 'abcdefghijklmnopqrstuvwx',
          expiresInS: 30,
          address: '127.0.0.1',
          tcp: [{ providerPort: 5096, relayPort: 15096 }],
          udp: [],
          unbound: [],
        });
      } else if (m.type === 'probe-results')
        this.emit({ type: 'probe-observed', ufrag: 'abcd', bindings: [] });
      else super.send(text);
    }
  } as unknown as typeof WebSocket;
}

/** The relay's answers over HTTPS: the probe origins the page may reach, the probe port, /probe. */
function relayFetch(origins: string[], asked: string[] = []): typeof fetch {
  return (async (input: URL | string) => {
    const url = new URL(String(input));
    asked.push(url.href);
    if (url.pathname === '/web/probe-origins') return new Response(JSON.stringify({ origins }));
    if (url.pathname === '/probe-port') {
      return new Response(
        JSON.stringify({
          providerPort: 5096,
          relayPort: 15096,
          transport: 'tcp',
          tls: { protocol: null, cipher: null },
        }),
      );
    }
    return new Response(
      JSON.stringify({
        relayVersion: 't',
        tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
        clientAddress: '198.51.100.7',
        serverTime: 1,
      }),
    );
  }) as unknown as typeof fetch;
}

function env(over: Partial<WebCheckEnv> = {}): WebCheckEnv {
  return {
    relayUrl: 'https://relay.example:8443',
    fetch: relayFetch(['https://relay.example:15096']),
    WebSocket: relaySocket(),
    RTCPeerConnection: fakePeerConnection('connects'),
    now: () => Date.now(),
    createTone: fakeTone,
    browserName: 'Chrome 140',
    newRunId: () => 'web-run-1',
    isoNow: () => new Date().toISOString(),
    ...over,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('web check', () => {
  it('runs HTTPS, WSS, the media loopback and the port matrix against the page’s relay', async () => {
    const seen: CheckResult[] = [];
    const asked: string[] = [];
    const pending = runWebCheck(env({ fetch: relayFetch(['https://relay.example:15096'], asked) }), (r) =>
      seen.push(r),
    );
    await vi.advanceTimersByTimeAsync(30_000);
    const report = await pending;
    expect(report.checks.map((c) => c.id)).toEqual([
      'relay-https',
      'relay-wss',
      'secure-media',
      'port-matrix',
    ]);
    expect(seen.map((c) => c.id).sort()).toEqual(['port-matrix', 'relay-https', 'relay-wss', 'secure-media']);
    expect(report).toMatchObject({
      runId: 'web-run-1',
      relayUrl: 'https://relay.example:8443',
      browser: 'web page (Chrome 140)',
      extensionVersion: 'none (web check)',
    });
    // The one probe port the relay serves was reached over TLS from the page; the rest it does not serve.
    expect(asked).toContain('https://relay.example:15096/probe-port');
    const sip = report.ports.find((p) => p.transport === 'tcp' && p.port === 5096);
    expect(sip).toMatchObject({ status: 'open', row: 'desk-phone-sip-tls' });
    expect(report.media?.encrypted).toBe(true);
    expect(LEFT_OUT.map((m) => english(m as Message)).join(' ')).not.toMatch(/firewall ports/);
  });

  it('never calls a probe port the page may not reach refused: not measured, and not even tried', async () => {
    const asked: string[] = [];
    const pending = runWebCheck(env({ fetch: relayFetch([], asked) }));
    await vi.advanceTimersByTimeAsync(30_000);
    const report = await pending;
    expect(asked).not.toContain('https://relay.example:15096/probe-port');
    expect(report.ports.find((p) => p.transport === 'tcp' && p.port === 5096)).toMatchObject({
      status: 'error',
      reason: 'page-may-not-connect',
    });
    expect(report.ports.some((p) => p.status === 'refused' || p.status === 'blocked')).toBe(false);
  });

  it('reports a relay it cannot reach as blocked', async () => {
    const pending = runWebCheck(
      env({
        fetch: (async () => {
          throw new TypeError('Failed to fetch');
        }) as unknown as typeof fetch,
      }),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    const report = await pending;
    expect(report.verdict).toBe('blocked');
    expect(report.checks.find((c) => c.id === 'relay-https')?.status).toBe('fail');
  });

  it('names the browser briefly', () => {
    expect(
      browserNameOf(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 140');
    expect(browserNameOf('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox 128',
    );
    expect(browserNameOf('Mozilla/5.0 … Chrome/140.0.0.0 Safari/537.36 Edg/141.0.0.0')).toBe('Edge 141');
    expect(browserNameOf('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15')).toBe(
      'Safari 18',
    );
    expect(browserNameOf('curl/8')).toBe('unknown browser');
  });
});
