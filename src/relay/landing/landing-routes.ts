/**
 * The landing page at `/` and its assets under `/web/` (the web check's bundle and stylesheets, built by
 * scripts/build.ts into dist/relay/public/web). Assets are read once at start into memory and served by
 * exact name only, so no request path ever reaches the file system.
 */

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { extname, join } from 'node:path';
import { LANGUAGE_TAGS, LANGUAGES, pickLanguage } from '../../messages/languages.ts';
import type { ProbeOriginsResponse } from '../../protocol/relay-messages.ts';
import { type Headers, send, sendJson } from '../http/reply.ts';
import type { Route, RouteArea } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import { type InstallLinks, landingPage } from './landing-page.ts';
import { probeOrigins } from './probe-origins.ts';

export interface LandingOptions {
  /** Folder holding `web/` (dist/relay/public); null or missing: the page says the web check is unavailable. */
  publicDir: string | null;
  install: InstallLinks;
}

/** The TCP probe ports the web check's port matrix connects to, and the relay's own names (probe-origins.ts). */
export interface LandingProbes {
  tcpPorts: readonly number[];
  names(): string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * Scripts only from here and no inline ones, nothing from other sites; connections only back to this relay
 * (HTTPS and its WSS, and its TCP probe ports for the web check's port matrix). The WSS is named explicitly,
 * for browsers that do not count wss: as 'self', only from the configured public URL: never from the
 * request's Host header, which the client chooses; the probe origins only for a host that is the relay's own.
 */
export function landingCsp(publicUrl: string | null, probeOrigins: readonly string[] = []): string {
  let wss = '';
  if (publicUrl) {
    try {
      wss = ` wss://${new URL(publicUrl).host}`;
    } catch {
      // Validated at start; an unparsable one only loses the explicit entry.
    }
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self'${wss}${probeOrigins.map((o) => ` ${o}`).join('')}`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const PAGE_HEADERS: Headers = {
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function loadAssets(dir: string | null, log: Logger): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!dir) return assets;
  const web = join(dir, 'web');
  let names: string[];
  try {
    names = readdirSync(web);
  } catch {
    log.warn({ event: 'landing-web-check-missing', dir: web, hint: 'run "npm run build" to build it' });
    return assets;
  }
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    const file = join(web, name);
    if (!type || !statSync(file).isFile()) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(`/web/${name}`, { body, type, etag });
  }
  return assets;
}

export function landingArea(
  opts: LandingOptions,
  log: Logger,
  publicUrl: string | null = null,
  probes: LandingProbes = { tcpPorts: [], names: () => [] },
): RouteArea {
  const assets = loadAssets(opts.publicDir, log);
  const webCheck = assets.has('/web/main.js');
  // Rendered once per language at start; each visitor gets the one their browser asks for.
  const pages = new Map(
    LANGUAGE_TAGS.map((tag) => [tag, landingPage({ install: opts.install, webCheck, lang: LANGUAGES[tag] })]),
  );
  const originsFor = (req: IncomingMessage) =>
    probeOrigins(req.headers.host, probes.names(), probes.tcpPorts);
  return {
    prefix: '/web',
    routes: [
      {
        method: 'GET',
        path: '/',
        handle(req, res) {
          const tag = pickLanguage(req.headers['accept-language']);
          send(res, 200, 'text/html; charset=utf-8', pages.get(tag) ?? '', {
            ...PAGE_HEADERS,
            'Content-Security-Policy': landingCsp(publicUrl, originsFor(req)),
            'Content-Language': tag,
            Vary: 'Accept-Language, Host',
          });
        },
      },
      // What the page's CSP lets the web check reach, so it never reads a probe the page may not make as a
      // refused port.
      {
        method: 'GET',
        path: '/web/probe-origins',
        handle(req, res) {
          const body: ProbeOriginsResponse = { origins: originsFor(req) };
          sendJson(res, 200, body, { 'Cache-Control': 'no-store', Vary: 'Host' });
        },
      },
      // One route per asset, by exact name: no request path ever reaches the file system.
      ...[...assets].map(
        ([path, asset]): Route => ({
          method: 'GET',
          path,
          handle(req, res) {
            if (req.headers['if-none-match'] === asset.etag) {
              res.writeHead(304, { ETag: asset.etag, 'Cache-Control': 'no-cache' });
              res.end();
              return;
            }
            res.writeHead(200, {
              'Content-Type': asset.type,
              'Content-Length': asset.body.length,
              // Revalidated on every load: a relay upgrade must not leave browsers on an old bundle.
              'Cache-Control': 'no-cache',
              ETag: asset.etag,
              'Cross-Origin-Resource-Policy': 'same-origin',
            });
            res.end(asset.body);
          },
        }),
      ),
    ],
  };
}
