/**
 * The relay's one route table, as a client sees it on the HTTPS port: the relay's own routes, the upload
 * API, the support console and the landing page answer unknown paths, wrong methods, HEAD and cross-site
 * posts the same way, each area in its own form (JSON or an HTML page), with the security headers on every
 * answer, errors included.
 */
import { createServer, request } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { createRouter } from '../../../src/relay/http/router.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { type Answer, call } from './https-call.ts';

const TOKENS = parseSupportTokens('alice:alice-token-0123456789');

function expectSecurityHeaders(a: Answer, what: string): void {
  expect(a.headers['x-content-type-options'], what).toBe('nosniff');
  expect(a.headers['strict-transport-security'], what).toMatch(/^max-age=\d+$/);
}

describe('the relay route table', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({
      share: { supportTokens: TOKENS },
      landing: { publicDir: null, install: { chrome: null, firefox: null } },
    });
  });
  afterAll(() => relay.stop());

  it('answers a path no route takes with 404, whatever the method, in the form of its area', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const root = await call(relay, '/no-such-page', { method });
      expect(root.status, method).toBe(404);
      expect(root.json()).toEqual({ error: 'not-found' });
      expectSecurityHeaders(root, `${method} /no-such-page`);
    }
    const api = await call(relay, '/api/reports/extra');
    expect(api.status).toBe(404);
    expect(api.json()).toEqual({ error: 'not-found' });
    const page = await call(relay, '/console/no-such-page');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('There is no such console page.');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expectSecurityHeaders(page, '/console/no-such-page');
  });

  it('answers a method the path does not take with 405 and Allow naming the ones it does', async () => {
    const health = await call(relay, '/healthz', { method: 'POST', body: '{}' });
    expect(health.status).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD');
    expect(health.json()).toMatchObject({ error: 'method-not-allowed', message: 'Use GET.' });
    // The extension reads the relay's own answers cross-origin, errors included.
    expect(health.headers['access-control-allow-origin']).toBe('*');
    expectSecurityHeaders(health, 'POST /healthz');

    const landing = await call(relay, '/', { method: 'PUT' });
    expect(landing.status).toBe(405);
    expect(landing.headers.allow).toBe('GET, HEAD');

    const login = await call(relay, '/console/login');
    expect(login.status).toBe(405);
    expect(login.headers.allow).toBe('POST');
    expect(login.body).toContain('This page does not take that method.');

    const api = await call(relay, '/api/reports', { method: 'DELETE' });
    expect(api.status).toBe(405);
    expect(api.headers.allow).toBe('OPTIONS, POST');
  });

  it('serves HEAD as GET without a body, and refuses HEAD where there is no GET', async () => {
    for (const path of ['/healthz', '/readyz', '/probe', '/', '/console']) {
      const get = await call(relay, path);
      const head = await call(relay, path, { method: 'HEAD' });
      expect(head.status, path).toBe(get.status);
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
      expect(head.body, path).toBe('');
      expect(get.body.length, path).toBeGreaterThan(0);
    }
    const headLogin = await call(relay, '/console/login', { method: 'HEAD' });
    expect(headLogin.status).toBe(405);
    expect(headLogin.headers.allow).toBe('POST');
  });

  it('refuses a cross-site sign-in before reading it: 403 in the console form, no session', async () => {
    const r = await call(relay, '/console/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      body: 'user=alice&token=alice-token-0123456789',
    });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('from the console page itself');
    expect(r.headers['set-cookie']).toBeUndefined();
    // The same sign-in from the console's own page goes through.
    const own = await call(relay, '/console/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: relay.url },
      body: 'user=alice&token=alice-token-0123456789',
    });
    expect(own.status).toBe(303);
    expect(own.headers['set-cookie']).toBeDefined();
  });
});

describe('createRouter', () => {
  it('answers a route that fails with 500 in its area form, and the next request normally', async () => {
    const logged: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const server = createServer(
      createRouter({
        hsts: false,
        log,
        selfUrl: () => '',
        areas: [
          {
            prefix: '',
            routes: [
              {
                method: 'GET',
                path: '/broken',
                handle: () => {
                  throw new Error('disk gone');
                },
              },
              { method: 'GET', path: /^\/echo\/([^/]+)$/, handle: (_q, res, [p]) => void res.end(p) },
            ],
          },
        ],
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const get = (path: string) =>
      new Promise<{ status: number; body: string; nosniff: unknown }>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, nosniff: res.headers['x-content-type-options'] }),
          );
        })
          .on('error', reject)
          .end();
      });
    try {
      expect(await get('/broken')).toEqual({ status: 500, body: '{"error":"internal"}', nosniff: 'nosniff' });
      expect(logged.join('')).toContain('disk gone');
      expect(await get('/echo/a%20b')).toMatchObject({ status: 200, body: 'a b' });
      expect((await get('/echo/%E0%A4%A')).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
