/**
 * Who may open the relay's WebSocket (issue 10, item 3): the extension's pages, the relay's own pages (the
 * landing page's web check) and clients without an Origin (the command line). Any other web page would use
 * its visitors' browsers as clients, so its upgrade is refused before a WebSocket exists. Also: the relay's
 * pages carry HSTS (item 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(() => relay.stop());

/** 'open', or the HTTP status the upgrade was refused with. */
function upgrade(origin: string | undefined): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/ws`, {
      ca: relay.tls.cert,
      ...(origin === undefined ? {} : { origin }),
    });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
}

describe('WebSocket origins', () => {
  it.each([
    ['no Origin (the command line)', undefined],
    ['the Chrome extension', `chrome-extension://${'a'.repeat(32)}`],
    ['the Firefox add-on', 'moz-extension://0f2c1a3e-9b7d-4c1e-8f6a-2d3b4c5d6e7f'],
    ["the relay's own page", () => relay.url],
  ])('accepts %s', async (_name, origin) => {
    expect(await upgrade(typeof origin === 'function' ? origin() : origin)).toBe('open');
  });

  it.each([
    ['a web page', 'https://evil.example'],
    ['a look-alike of the relay', 'https://127.0.0.1.evil.example'],
    ['a sandboxed frame', 'null'],
    ['a malformed extension id', 'chrome-extension://not-an-id'],
  ])('refuses %s with 403', async (_name, origin) => {
    expect(await upgrade(origin)).toBe(403);
    expect(await relay.metrics()).toMatch(/svc_relay_ws_rejected_total\{reason="origin"\} [1-9]/);
  });
});

describe('HSTS', () => {
  it("sends Strict-Transport-Security on the relay's pages", async () => {
    for (const path of ['/healthz', '/', '/console']) {
      const r = await relay.get(path);
      expect(r.headers['strict-transport-security'], path).toBe('max-age=31536000');
    }
  });
});
