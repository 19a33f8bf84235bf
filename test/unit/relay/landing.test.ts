/** The landing page and its assets as the relay serves them, and the config keys for the install links. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, type PlainLabelKey } from '../../../src/messages/labels.ts';
import { LANGUAGES, pickLanguage } from '../../../src/messages/languages.ts';
import { ENGLISH, label } from '../../../src/messages/render.ts';
import { loadConfig } from '../../../src/relay/config/load.ts';
import { escapeHtml } from '../../../src/relay/console/html.ts';
import { createRouter, type RouteArea } from '../../../src/relay/http/router.ts';
import { landingPage } from '../../../src/relay/landing/landing-page.ts';
import { landingArea, landingCsp } from '../../../src/relay/landing/landing-routes.ts';
import { createLogger } from '../../../src/relay/logger.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The landing area behind a plain HTTP server, through the relay's router. */
type Call = (path: string, init?: { method?: string; headers?: Record<string, string> }) => Promise<Answer>;

async function serve(area: RouteArea): Promise<{ server: Server; call: Call }> {
  const server = createServer(
    createRouter({ areas: [area], selfUrl: () => '', hsts: false, log: createLogger('silent') }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    // node:http, not fetch: the path goes out as written (no dot-segment clean-up) and Host can be set.
    call: (path, init = {}) =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        req.end();
      }),
  };
}

describe('landing page', () => {
  let dir: string;
  let withWeb: Awaited<ReturnType<typeof serve>>;
  let bare: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'svc-landing-'));
    await mkdir(join(dir, 'web'));
    await writeFile(join(dir, 'web/main.js'), 'console.log("web check");');
    await writeFile(join(dir, 'web/theme.css'), 'body{}');
    await writeFile(join(dir, 'web/notes.txt'), 'not served: unknown type');
    const log = createLogger('silent');
    withWeb = await serve(
      landingArea(
        {
          publicDir: dir,
          install: { chrome: 'https://chromewebstore.google.com/detail/x?a=1&b="2"', firefox: null },
        },
        log,
        'https://relay.example:8443',
        { tcpPorts: [15096, 20443], names: () => ['relay.example', '*.voice.example', '2001:db8::1'] },
      ),
    );
    bare = await serve(
      landingArea({ publicDir: join(dir, 'missing'), install: { chrome: null, firefox: null } }, log),
    );
  });
  afterAll(async () => {
    withWeb.server.close();
    bare.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page with the web check, escaped install links and a strict CSP', async () => {
    // Whatever Host the client sends, the CSP names the configured public URL's WSS.
    const r = await withWeb.call('/', { headers: { Host: 'evil.example:8443' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' wss://relay.example:8443; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.body).toContain('<script type="module" src="/web/main.js"></script>');
    expect(r.body).not.toMatch(/<script>|<script type="module">|\son\w+=/);
    expect(r.body).toContain('href="https://chromewebstore.google.com/detail/x?a=1&amp;b=&quot;2&quot;"');
    expect(r.body).not.toContain('Install for Firefox');
    expect(r.body).not.toContain('Ask your support contact');
  });

  it('says to ask support when no store link is configured, and that the web check is missing when unbuilt', async () => {
    const r = await bare.call('/');
    expect(r.body).toContain('Ask your support contact for the extension.');
    expect(r.body).toContain('The web check is not available on this relay.');
    expect(r.body).not.toContain('<script');
  });

  it('serves the assets by exact name with their content types, and nothing else', async () => {
    const js = await withWeb.call('/web/main.js');
    expect(js).toMatchObject({ status: 200, body: 'console.log("web check");' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect((await withWeb.call('/web/theme.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const again = await withWeb.call('/web/main.js', {
      headers: { 'If-None-Match': String(js.headers.etag) },
    });
    expect(again.status).toBe(304);
    for (const path of [
      '/web/notes.txt',
      '/web/../package.json',
      '/web/%2e%2e/package.json',
      '/web//main.js',
      '/web/',
      '/web',
      '/other',
    ]) {
      expect((await withWeb.call(path)).status, path).toBe(404);
    }
    expect((await withWeb.call('/', { method: 'POST' })).status).toBe(405);
    expect((await withWeb.call('/web/main.js', { method: 'DELETE' })).status).toBe(405);
    expect((await withWeb.call('/', { method: 'HEAD' })).status).toBe(200);
  });

  it("lets the web check reach the TCP probe ports on the relay's own names only, and tells it which", async () => {
    const connect = async (host: string) => {
      const page = await withWeb.call('/', { headers: { Host: host } });
      const origins = await withWeb.call('/web/probe-origins', { headers: { Host: host } });
      expect(origins.status).toBe(200);
      return {
        csp: /connect-src ([^;]*);/.exec(String(page.headers['content-security-policy']))?.[1],
        origins: JSON.parse(origins.body).origins,
      };
    };
    expect(await connect('relay.example:8443')).toEqual({
      csp: "'self' wss://relay.example:8443 https://relay.example:15096 https://relay.example:20443",
      origins: ['https://relay.example:15096', 'https://relay.example:20443'],
    });
    expect((await connect('eu.voice.example')).origins).toEqual([
      'https://eu.voice.example:15096',
      'https://eu.voice.example:20443',
    ]);
    expect((await connect('[2001:db8:0::1]:8443')).origins).toEqual([
      'https://[2001:db8::1]:15096',
      'https://[2001:db8::1]:20443',
    ]);
    // A name the relay does not own, a deeper one under the wildcard, or a malformed Host opens nothing.
    for (const host of ['attacker.example', 'a.b.voice.example', 'relay.example; script-src *', '[::1']) {
      expect(await connect(host)).toEqual({ csp: "'self' wss://relay.example:8443", origins: [] });
    }
  });

  it('names the WSS origin in the CSP from the configured public URL only, never from the Host header', async () => {
    expect(landingCsp('https://[::1]:8443')).toContain("connect-src 'self' wss://[::1]:8443;");
    expect(landingCsp('https://relay.example')).toContain("connect-src 'self' wss://relay.example;");
    expect(landingCsp(null)).toContain("connect-src 'self';");
    const r = await bare.call('/', { headers: { Host: 'attacker.example' } });
    expect(r.headers['content-security-policy']).toContain("connect-src 'self';");
    expect(String(r.headers['content-security-policy'])).not.toContain('attacker');
  });

  it("answers in the visitor's language (German or English) from the catalogue, and says it varies by it", async () => {
    const de = await withWeb.call('/', { headers: { 'Accept-Language': 'de-CH,de;q=0.9,en;q=0.8' } });
    expect(de.headers['content-language']).toBe('de');
    expect(de.headers.vary).toBe('Accept-Language, Host');
    expect(de.body).toContain('<html lang="de">');
    expect(de.body).toContain('<h2 id="what-title">Was die Prüfung macht</h2>');
    expect(de.body).toContain('Für Chrome (und Edge) installieren');
    expect(de.body).toContain('<script type="module" src="/web/main.js"></script>');
    // Every text of the page is the German one: no English label is left.
    for (const key of Object.keys(LABELS).filter((k) => k.startsWith('landing_')) as PlainLabelKey[]) {
      const english = escapeHtml(label(ENGLISH, key));
      if (english !== escapeHtml(label(LANGUAGES.de, key))) expect(de.body, key).not.toContain(english);
    }
    const en = await withWeb.call('/', { headers: { 'Accept-Language': 'fr-FR, en;q=0.5, de;q=0.4' } });
    expect(en.headers['content-language']).toBe('en');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('What the check does');
    expect((await withWeb.call('/')).headers['content-language']).toBe('en');
  });

  it('picks the language by weight and primary subtag, reading a bounded part of the header', () => {
    expect(pickLanguage(undefined)).toBe('en');
    expect(pickLanguage('de')).toBe('de');
    expect(pickLanguage('en-GB,en;q=0.9,de;q=0.8')).toBe('en');
    expect(pickLanguage('fr;q=1, DE-AT;q=0.7')).toBe('de');
    expect(pickLanguage('de;q=0, en;q=0.1')).toBe('en');
    expect(pickLanguage('de;q=abc')).toBe('en');
    expect(pickLanguage(`${'x-pad;q=0.1,'.repeat(100_000)}de`)).toBe('en');
  });

  it('escapes configured links in the HTML', () => {
    const page = landingPage({
      install: { chrome: null, firefox: 'https://x.example/"><script>' },
      webCheck: false,
    });
    expect(page).toContain('href="https://x.example/&quot;&gt;&lt;script&gt;"');
  });
});

describe('relay config: landing page', () => {
  it('reads the store links from flags or environment, https only', () => {
    expect(loadConfig([], {})).toMatchObject({ extensionUrlChrome: null, extensionUrlFirefox: null });
    expect(
      loadConfig(['--extension-url-chrome', 'https://chromewebstore.google.com/detail/abc'], {
        SVC_RELAY_EXTENSION_URL_FIREFOX: 'https://addons.mozilla.org/firefox/addon/svc/',
      }),
    ).toMatchObject({
      extensionUrlChrome: 'https://chromewebstore.google.com/detail/abc',
      extensionUrlFirefox: 'https://addons.mozilla.org/firefox/addon/svc/',
    });
    expect(() => loadConfig(['--extension-url-chrome', 'http://example.com'], {})).toThrow(
      /^--extension-url-chrome: must be an https:\/\/ URL/,
    );
    expect(() => loadConfig([], { SVC_RELAY_EXTENSION_URL_FIREFOX: 'https://u:p@x.example' })).toThrow(
      /^SVC_RELAY_EXTENSION_URL_FIREFOX: must be an https:\/\/ URL/,
    );
  });
});
