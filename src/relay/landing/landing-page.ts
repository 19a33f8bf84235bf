/**
 * The relay's landing page (`GET /`), the one link support sends: what the check does and why, where to
 * install the extension, and room for the web check, whose script the relay serves under /web/. Rendered
 * here so it reads fine before (or without) the script; every configured value is escaped. In English or
 * German, from the catalogue's landing_* labels (landing-routes.ts picks by the visitor's Accept-Language).
 */
import type { PlainLabelKey } from '../../messages/labels.ts';
import { ENGLISH, type Language, label } from '../../messages/render.ts';
import { type Html, html } from '../console/html.ts';

export interface InstallLinks {
  chrome: string | null;
  firefox: string | null;
}

function installSection(links: InstallLinks, say: Say): Html {
  const items = [
    links.chrome
      ? html`<li><a href="${links.chrome}" rel="noopener">${say('landing_install_chrome')}</a></li>`
      : '',
    links.firefox
      ? html`<li><a href="${links.firefox}" rel="noopener">${say('landing_install_firefox')}</a></li>`
      : '',
  ];
  return html`<section aria-labelledby="install-title">
<h2 id="install-title">${say('landing_install_title')}</h2>
<p>${say('landing_install_intro')}</p>
${
  links.chrome || links.firefox
    ? html`<ul class="install-links" data-field="install-links">${items}</ul>`
    : html`<p data-field="install-missing">${say('landing_install_missing')}</p>`
}
</section>`;
}

type Say = (key: PlainLabelKey) => string;

/** The page in `lang` (the catalogue's landing_* labels); configured links are escaped, as every value. */
export function landingPage(opts: { install: InstallLinks; webCheck: boolean; lang?: Language }): string {
  const lang = opts.lang ?? ENGLISH;
  const say: Say = (key) => label(lang, key);
  const item = (name: PlainLabelKey, rest: PlainLabelKey) =>
    html`<li><strong>${say(name)}</strong>: ${say(rest)}</li>`;
  return html`<!doctype html>
<html lang="${lang.tag()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${say('extName')}</title>
<link rel="icon" href="/web/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/web/theme.css">
<link rel="stylesheet" href="/web/share.css">
</head>
<body>
<main class="landing">
<h1>${say('extName')}</h1>
<p>${say('landing_intro')}</p>
<section aria-labelledby="what-title">
<h2 id="what-title">${say('landing_what_title')}</h2>
<ul>
${item('landing_what_https_name', 'landing_what_https')}
${item('landing_what_media_name', 'landing_what_media')}
${item('landing_what_ports_name', 'landing_what_ports')}
</ul>
<p>${say('landing_what_verdict')}</p>
</section>
${installSection(opts.install, say)}
<section aria-labelledby="web-title">
<h2 id="web-title">${say('landing_web_title')}</h2>
<p>${say('landing_web_intro')}</p>
${
  opts.webCheck
    ? html`<div id="web-check"><noscript><p>${say('landing_web_needs_js')}</p></noscript></div>
<script type="module" src="/web/main.js"></script>`
    : html`<p data-field="web-check-missing">${say('landing_web_missing')}</p>`
}
</section>
</main>
</body>
</html>
`.text;
}
