/**
 * The relay's landing page (`GET /`), the one link support sends: what the check does and why, where to
 * install the extension, and room for the web check, whose script the relay serves under /web/. Rendered
 * here so it reads fine before (or without) the script; every configured value is escaped.
 */
import { type Html, html } from '../console/html.ts';

export interface InstallLinks {
  chrome: string | null;
  firefox: string | null;
}

function installSection(links: InstallLinks): Html {
  const items = [
    links.chrome
      ? html`<li><a href="${links.chrome}" rel="noopener">Install for Chrome (and Edge)</a></li>`
      : '',
    links.firefox ? html`<li><a href="${links.firefox}" rel="noopener">Install for Firefox</a></li>` : '',
  ];
  return html`<section aria-labelledby="install-title">
<h2 id="install-title">Install the extension</h2>
<p>The extension runs the full check: everything the check on this page does, plus a firewall test of every port the provider uses, the reason a
connection failed, an extended 30-second audio test, the history of your checks and a security checklist.</p>
${
  links.chrome || links.firefox
    ? html`<ul class="install-links" data-field="install-links">${items}</ul>`
    : html`<p data-field="install-missing">Ask your support contact for the extension.</p>`
}
</section>`;
}

export function landingPage(opts: { install: InstallLinks; webCheck: boolean }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>Secure Voice Check</title>
<link rel="icon" href="/web/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/web/theme.css">
<link rel="stylesheet" href="/web/share.css">
</head>
<body>
<main class="landing">
<h1>Secure Voice Check</h1>
<p>Is this network ready for <strong>Secure Voice</strong>? Secure Voice encrypts calls: the phone's signaling travels over
TLS and the voice itself as SRTP on the provider's ports. Many firewalls, proxies and routers let ordinary web traffic
through but block or break exactly those connections, and calls then fail to connect or have no audio.</p>
<section aria-labelledby="what-title">
<h2 id="what-title">What the check does</h2>
<ul>
<li><strong>HTTPS and secure WebSocket</strong> to this relay: can the browser reach it, how fast, and with which TLS version.</li>
<li><strong>An encrypted audio round trip</strong>: a short tone (no microphone) travels as DTLS-SRTP to this relay and back,
measuring round trip, jitter, loss and the call quality (MOS).</li>
<li><strong>The provider's firewall ports</strong> (extension only): which of the ports Secure Voice needs are open, with a list
your IT administrator can use to open the others.</li>
</ul>
<p>You get one verdict (ready, degraded or blocked) with the reason and the next step. Nothing is sent to your support
contact unless you choose to share the result, and you see exactly what is sent first.</p>
</section>
${installSection(opts.install)}
<section aria-labelledby="web-title">
<h2 id="web-title">Check from this page</h2>
<p>Cannot install extensions? This page runs the quick check itself, against this relay.</p>
${
  opts.webCheck
    ? html`<div id="web-check"><noscript><p>The web check needs JavaScript.</p></noscript></div>
<script type="module" src="/web/main.js"></script>`
    : html`<p data-field="web-check-missing">The web check is not available on this relay.</p>`
}
</section>
</main>
</body>
</html>
`.text;
}
