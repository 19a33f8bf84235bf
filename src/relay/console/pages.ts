/**
 * The support console's pages, rendered on the relay: sign-in, look-up, the recent list and one report,
 * read-only. Pure functions of their data returning escaped HTML; no scripts, and the only other resource
 * is the stylesheet below, served by the relay itself (the CSP allows nothing else).
 */
import { ipv6PassOf } from '../../protocol/ipv6-pass.ts';
import type { Report } from '../../protocol/report.ts';
import { formatCode } from '../../protocol/share.ts';
import type { ReportSummary, ReportView, StoredReport } from '../storage/report-store.ts';
import { type Html, html } from './html.ts';

export const CONSOLE_CSS = `:root { color-scheme: light dark; --fg: #1a202c; --bg: #fff; --muted: #4a5568; --border: #d2d6dc;
  --pass: #1e7b34; --warn: #8a5100; --fail: #b00020; --surface: #f3f4f6; --link: #1a56db;
  font: 14px/1.45 system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8eaed; --bg: #1a1d23; --muted: #a0aec0; --border: #3c4350;
  --pass: #6fd08c; --warn: #f6c26b; --fail: #ff8a8a; --surface: #242830; --link: #8ab4f8; } }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; gap: 16px; align-items: center; padding: 10px 24px; border-bottom: 1px solid var(--border); }
header .who { margin-left: auto; color: var(--muted); }
header form { display: inline; }
main { padding: 16px 24px; max-width: 1100px; }
a { color: var(--link); }
h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--border); }
th { background: var(--surface); font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; }
.code { font-family: ui-monospace, monospace; letter-spacing: 0.05em; }
.s-pass, .s-ready, .s-open { color: var(--pass); } .s-warn, .s-degraded { color: var(--warn); }
.s-fail, .s-blocked, .s-error, .s-refused { color: var(--fail); }
.verdict { font-size: 18px; font-weight: 700; text-transform: uppercase; }
.error { color: var(--fail); }
.muted { color: var(--muted); }
input, button { font: inherit; padding: 4px 8px; }
`;

function time(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function num(n: number | null | undefined, unit = ''): string {
  return n === null || n === undefined ? '—' : `${Math.round(n * 100) / 100}${unit}`;
}

function text(s: string | null | undefined): string {
  return s === null || s === undefined || s === '' ? '—' : s;
}

/** A class name from a status word, from a fixed set only (statuses come from the upload). */
function statusClass(status: string): string {
  return /^(pass|warn|fail|error|ready|degraded|blocked|open|refused)$/.test(status) ? `s-${status}` : '';
}

function layout(title: string, body: Html, user?: string): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Secure Voice Check support</title>
<link rel="stylesheet" href="/console/console.css">
</head>
<body>
<header>
<strong>Secure Voice Check · support</strong>
${
  user
    ? html`<a href="/console">Look up</a> <a href="/console/recent">Recent reports</a>
<span class="who">Signed in as ${user}</span>
<form method="post" action="/console/logout"><button type="submit">Sign out</button></form>
<form method="post" action="/console/logout-all"><button type="submit">Sign out everywhere</button></form>`
    : ''
}
</header>
<main>
${body}
</main>
</body>
</html>
`;
}

export function loginPage(opts: { error?: string; next?: string; user?: string } = {}): string {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p>Sign in with your user name and support token.</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/console/login">
<label>User name <input name="user" value="${(opts.user ?? '').slice(0, 64)}" autocomplete="username" required autofocus></label>
<label>Support token <input type="password" name="token" autocomplete="current-password" required></label>
${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
<button type="submit">Sign in</button>
</form>`,
  ).text;
}

export function homePage(user: string, opts: { error?: string; code?: string } = {}): string {
  return layout(
    'Look up',
    html`<h1>Look up a report</h1>
<p>Ask the user for the code the extension showed after sharing (8 characters, e.g. ABCD-EFGH).</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="get" action="/console/lookup">
<label>Code <input name="code" class="code" value="${opts.code ?? ''}" autocomplete="off" required autofocus></label>
<button type="submit">Look up</button>
</form>
<p><a href="/console/recent">Recent reports</a></p>`,
    user,
  ).text;
}

export function messagePage(title: string, message: string, user?: string): string {
  return layout(
    title,
    html`<h1>${title}</h1>
<p>${message}</p>
<p><a href="/console">Back to the console</a></p>`,
    user,
  ).text;
}

export function recentPage(user: string, items: readonly ReportSummary[]): string {
  const rows = items.map(
    (r) => html`<tr>
<td><a class="code" href="/console/r/${r.code}">${formatCode(r.code)}</a></td>
<td class="${statusClass(r.verdict)}">${r.verdict}</td>
<td>${r.headline}</td>
<td>${time(r.createdAt)}</td>
<td>${time(r.expiresAt)}</td>
<td>${r.redaction === 'default' ? 'redacted' : 'full addresses'}</td>
</tr>`,
  );
  return layout(
    'Recent reports',
    html`<h1>Recent reports</h1>
${
  items.length === 0
    ? html`<p>No reports are stored.</p>`
    : html`<table>
<thead><tr><th>Code</th><th>Verdict</th><th>Headline</th><th>Shared</th><th>Deleted after</th><th>Addresses</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}`,
    user,
  ).text;
}

function mediaSection(media: Report['media']): Html {
  if (!media) return html`<h2>Secure media</h2><p>The media check did not run.</p>`;
  const row = (label: string, value: string) => html`<dt>${label}</dt><dd>${value}</dd>`;
  return html`<h2>Secure media</h2>
<dl>
${row('Encrypted', media.encrypted ? 'yes (DTLS-SRTP)' : 'no')}
${row('SRTP cipher', text(media.srtpCipher))}
${row('DTLS cipher', text(media.dtlsCipher))}
${row('DTLS version', text(media.tlsVersion))}
${row('DTLS role', text(media.dtlsRole))}
${row('Transport', text(media.transport))}
${row('Candidates', `${text(media.candidateTypes.local)} → ${text(media.candidateTypes.remote)}`)}
${row('Codec', text(media.codec))}
${row('Mode', media.mode)}
${row('Round trip', num(media.rttMs, ' ms'))}
${row('Jitter', num(media.jitterMs, ' ms'))}
${row('Loss', num(media.lossPercent, ' %'))}
${row('MOS', `${num(media.mos)}${media.mosBand ? ` (${media.mosBand})` : ''}`)}
${row('Packets', `${media.packetsSent} sent, ${media.packetsReceived} received, ${media.packetsLost} lost`)}
${row(
  'Data-channel probes',
  `${media.probes.sent} sent, ${media.probes.received} received, loss ${num(media.probes.lossPercent, ' %')}, RTT median ${num(media.probes.rttMedianMs, ' ms')}`,
)}
</dl>`;
}

function portsSection(ports: Report['ports'], nat: Report['nat']): Html {
  return html`<h2>Firewall ports</h2>
${nat ? html`<p>NAT: ${nat.summary} (mapping ${nat.mapping})</p>` : ''}
${
  ports.length === 0
    ? html`<p>No ports were probed.</p>`
    : html`<table>
<thead><tr><th>Profile</th><th>Row</th><th>Protocol</th><th>Port</th><th>Status</th><th>Reason</th><th>Time</th></tr></thead>
<tbody>${ports.map(
        (p) => html`<tr>
<td>${p.profile}</td><td>${p.row}</td><td>${p.protocol}</td><td>${p.transport.toUpperCase()} ${p.port}</td>
<td class="${statusClass(p.status)}">${p.status}</td><td>${p.reason}</td><td>${num(p.ms, ' ms')}</td>
</tr>`,
      )}</tbody>
</table>`
}`;
}

/** The UDP rows probed again over IPv6, where the relay had an IPv6 probe address. */
function ipv6Section(r: Report): Html | string {
  const pass = ipv6PassOf(r);
  if (!pass) return '';
  const only = new Set(pass.blockedOnlyOverIpv6);
  return html`<h2>Firewall ports over IPv6</h2>
${
  pass.outcome === 'no-ipv6-path'
    ? html`<p>Not tested: this computer did not reach the relay over IPv6 (relay address ${pass.address}).</p>`
    : html`<p>The UDP rows, probed again on the relay's IPv6 address ${pass.address}.</p>
<table>
<thead><tr><th>Row</th><th>Ports</th><th>Over IPv6</th><th>Blocked over IPv6 only</th></tr></thead>
<tbody>${pass.rows.map(
        (row) => html`<tr>
<td>${row.purpose}</td><td>UDP ${row.ports}</td><td class="${statusClass(row.status)}">${row.status}</td>
<td>${only.has(row.row) ? 'yes' : 'no'}</td>
</tr>`,
      )}</tbody>
</table>`
}`;
}

export function reportPage(user: string, stored: StoredReport, views: readonly ReportView[]): string {
  const r = stored.report;
  const tls = (t: Report['tls']['https']) => (t ? `${text(t.version)} ${text(t.cipher)}` : '—');
  return layout(
    `Report ${formatCode(stored.code)}`,
    html`<h1>Report <span class="code">${formatCode(stored.code)}</span></h1>
<p class="verdict ${statusClass(r.verdict)}">${r.verdict}</p>
<p>${r.headline}</p>
${r.interrupted ? html`<p class="error">The run was interrupted; the checks hold what was measured.</p>` : ''}
<dl>
<dt>Shared</dt><dd>${time(stored.createdAt)}</dd>
<dt>Deleted after</dt><dd>${time(stored.expiresAt)}</dd>
<dt>Run</dt><dd>${r.startedAt} – ${r.finishedAt}</dd>
<dt>Relay</dt><dd>${r.relayUrl}</dd>
<dt>Browser</dt><dd>${r.browser}, extension ${r.extensionVersion}</dd>
<dt>Addresses</dt><dd>${stored.redaction === 'default' ? 'redacted by the extension' : 'full addresses (the user chose to share them)'}</dd>
<dt>TLS</dt><dd>HTTPS ${tls(r.tls.https)}; WSS ${tls(r.tls.wss)}</dd>
</dl>
<h2>Checks</h2>
<table>
<thead><tr><th>Check</th><th>Status</th><th>Summary</th><th>Failed step</th><th>Time</th></tr></thead>
<tbody>${r.checks.map(
      (c) => html`<tr>
<td>${c.title}</td><td class="${statusClass(c.status)}">${c.status}</td><td>${c.summary}</td>
<td>${c.step ?? '—'}</td><td>${num(c.durationMs, ' ms')}</td>
</tr>`,
    )}</tbody>
</table>
${mediaSection(r.media)}
${portsSection(r.ports, r.nat)}
${ipv6Section(r)}
<h2>Views</h2>
<ul>${views.map((v) => html`<li>${v.supportUser}, ${time(v.at)}</li>`)}</ul>
<p><a href="/console/api/reports/${stored.code}">The report as JSON</a></p>`,
    user,
  ).text;
}
