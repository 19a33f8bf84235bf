import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../../src/checks/types.ts';
import type { Message } from '../../../src/messages/message.ts';
import { english } from '../../../src/messages/render.ts';
import { browserNameOf, LEFT_OUT, runWebCheck, type WebCheckEnv } from '../../../web/web-check.ts';
import { fakePeerConnection, fakeRelaySocket, fakeTone } from '../../fakes/fake-webrtc.ts';

/** The scripted relay socket, answering pings too, as the relay's WSS does. */
function relaySocket(): typeof WebSocket {
  const Base = fakeRelaySocket('answers') as unknown as new (
    url: string,
  ) => { send(text: string): void; emit(m: unknown): void };
  return class extends Base {
    override send(text: string) {
      const m = JSON.parse(text);
      if (m.type === 'ping') this.emit({ type: 'pong', seq: m.seq, t: m.t, serverTime: 1 });
      else super.send(text);
    }
  } as unknown as typeof WebSocket;
}

function env(over: Partial<WebCheckEnv> = {}): WebCheckEnv {
  return {
    relayUrl: 'https://relay.example:8443',
    fetch: (async () =>
      new Response(
        JSON.stringify({
          relayVersion: 't',
          tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
          clientAddress: '198.51.100.7',
          serverTime: 1,
        }),
      )) as unknown as typeof fetch,
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
  it('runs HTTPS, WSS and the media loopback against the page’s relay and says what it left out', async () => {
    const seen: CheckResult[] = [];
    const pending = runWebCheck(env(), (r) => seen.push(r));
    await vi.advanceTimersByTimeAsync(10_000);
    const report = await pending;
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['relay-https', 'pass'],
      ['relay-wss', 'pass'],
      ['secure-media', 'pass'],
      ['port-matrix', 'skip'],
    ]);
    expect(seen.map((c) => c.id).sort()).toEqual(['port-matrix', 'relay-https', 'relay-wss', 'secure-media']);
    expect(report).toMatchObject({
      runId: 'web-run-1',
      verdict: 'ready',
      relayUrl: 'https://relay.example:8443',
      browser: 'web page (Chrome 140)',
      extensionVersion: 'none (web check)',
      ports: [],
      nat: null,
    });
    expect(report.headline).toMatch(/did not test the provider's firewall ports\.$/);
    expect(report.checks[3]?.summary).toContain(english(LEFT_OUT[0] as Message));
    expect(report.media?.encrypted).toBe(true);
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
