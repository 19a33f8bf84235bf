import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateChecklist } from '../../../src/checklist/evaluate.ts';
import { CHECKLIST } from '../../../src/checklist/items.ts';
import { buildReport } from '../../../src/checks/build-report.ts';
import { classifyNat } from '../../../src/checks/ports/nat.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { ENGLISH, renderSaid, type Said } from '../../../src/messages/render.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { portMatrixOf } from '../../../src/report-text/port-rows.ts';
import { checkSummary, checkTitle, natSummary, verdictHeadline } from '../../../src/ui/check-text.ts';
import { itemDetail, itemTitle, itemWhy } from '../../../src/ui/checklist-text.ts';
import { remediationList, rowDetail } from '../../../src/ui/components/port-matrix-table.tsx';
import { useBrowserLanguage } from './fake-browser-i18n.ts';

const englishOf = (said: Said | null) => (said === null ? '' : renderSaid(said, ENGLISH));

import { realResults } from './real-results.ts';

let results: CheckResult[] = [];
beforeAll(async () => {
  results = await realResults();
}, 120_000);

const family = (id: string) => (id.startsWith('https-target-') ? 'https-target' : id);
const ok = (id: string) => {
  const found = results.find((r) => r.id === id && r.reason === 'ok');
  if (!found) throw new Error(`no passing ${id} result`);
  return found;
};

const meta = {
  runId: 'run-1',
  startedAt: '2026-11-21T11:59:50.000Z',
  finishedAt: '2026-11-21T12:00:00.000Z',
  relayUrl: 'https://relay.example:8443',
  extensionVersion: '0.1.0',
  browser: 'chrome',
};

/** Reports whose headline each result decides, next to passing relay checks, plus the fixed headlines. */
function reports(): Report[] {
  const relay = [ok('relay-https'), ok('relay-wss')];
  return [
    buildReport(meta, []),
    buildReport(meta, relay),
    buildReport(meta, [...relay, ok('secure-media')]),
    buildReport(meta, [...relay, ok('port-matrix')]),
    buildReport(meta, [...relay, ok('secure-media'), ok('port-matrix')]),
    buildReport(meta, relay, true),
    buildReport(
      meta,
      results.filter((r) => r.status === 'fail'),
    ),
    ...results
      .filter((r) => r.status !== 'pass')
      .map((r) => buildReport(meta, r.id.startsWith('relay-') ? [r] : [...relay, ok('secure-media'), r])),
  ];
}

const nats = () =>
  [
    [[], '203.0.113.7', ['192.168.1.2']],
    [
      [
        { relayPort: 1, providerPort: 1, remoteAddress: '203.0.113.7', remotePort: 5000 },
        { relayPort: 2, providerPort: 2, remoteAddress: '203.0.113.7', remotePort: 5000 },
      ],
      '198.51.100.1',
      ['192.168.1.2'],
    ],
    [
      [
        { relayPort: 1, providerPort: 1, remoteAddress: '203.0.113.7', remotePort: 5000 },
        { relayPort: 2, providerPort: 2, remoteAddress: '203.0.113.7', remotePort: 5001 },
      ],
      '203.0.113.7',
      ['192.168.1.2'],
    ],
    [
      [
        { relayPort: 1, providerPort: 1, remoteAddress: '127.0.0.1', remotePort: 5000 },
        { relayPort: 2, providerPort: 2, remoteAddress: '127.0.0.1', remotePort: 5000 },
      ],
      '127.0.0.1',
      ['127.0.0.1'],
    ],
  ].map(([b, https, locals]) =>
    classifyNat(b as Parameters<typeof classifyNat>[0], https as string, locals as string[]),
  );

/** Checklist states from the reports above, ticked long ago (due), today (done) and never (todo). */
function checklistStates() {
  const now = Date.parse('2026-11-21T12:00:00Z');
  const ticked = Object.fromEntries(CHECKLIST.map((i) => [i.id, '2026-01-02T10:00:00.000Z']));
  const withNat = (r: Report): Report => ({ ...r, nat: nats()[1] ?? null });
  return reports().flatMap((r) => [
    ...evaluateChecklist(r, {}, now).items,
    ...evaluateChecklist(withNat(r), ticked, now).items,
    ...evaluateChecklist({ ...r, nat: nats()[3] ?? null }, {}, now).items,
  ]);
}

describe('check text in English is the checks’ own text', () => {
  it('has a real result for every reason code the checks write', () => {
    const seen = new Set(results.map((r) => `${family(r.id)}:${r.reason}`));
    const expected = [
      'relay-https:ok',
      'relay-https:tls-too-old',
      'relay-https:tls-inspected',
      'relay-https:relay-bad-response',
      'relay-https:dns-failure',
      'relay-https:blocked-by-browser',
      'relay-wss:ok',
      'relay-wss:slow',
      'relay-wss:pings-lost',
      'relay-wss:no-pong',
      'relay-wss:relay-went-away',
      'relay-wss:relay-bad-response',
      'relay-wss:wss-upgrade-blocked',
      'relay-wss:connection-refused',
      'https-target:ok',
      'https-target:slow',
      'https-target:dns-failure',
      'https-target:blocked-by-browser',
      'secure-media:ok',
      'secure-media:tcp-fallback',
      'secure-media:degraded-quality',
      'secure-media:poor-quality',
      'secure-media:no-srtp',
      'secure-media:signaling-failed',
      'secure-media:ice-failed',
      'secure-media:dtls-failed',
      'secure-media:no-media-returned',
      'secure-media:relay-went-away',
      'secure-media:relay-busy',
      'secure-media:media-timeout',
      'port-matrix:ok',
      'port-matrix:ports-blocked',
      'port-matrix:some-ports-blocked',
      'port-matrix:ports-unmeasured',
      'port-matrix:tls-inspected',
      'port-matrix:no-probe-ports',
      'port-matrix:unknown-profile',
      'port-matrix:probe-session-failed',
      'relay-wss:check-timed-out',
      'https-target:check-timed-out',
      'secure-media:check-crashed',
    ];
    expect(expected.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('gives back every summary and title exactly', () => {
    for (const r of results) {
      expect(checkSummary(r), `${r.id} ${r.reason}`).toBe(r.summary);
      expect(checkTitle(r), r.id).toBe(r.title);
    }
  });

  it('gives back every verdict headline exactly', () => {
    for (const r of reports()) expect(verdictHeadline(r)).toBe(r.headline);
  });

  it('gives back NAT summaries, port rows, remediation lists and checklist texts exactly', () => {
    for (const n of nats()) expect(natSummary(n)).toBe(n.summary);
    for (const report of reports()) {
      const view = portMatrixOf(report);
      if (!view) continue;
      expect(remediationList(view)).toBe(view.remediation);
      for (const row of view.rows) expect(rowDetail(row)).toBe(row.detail);
    }
    for (const state of checklistStates()) expect(itemDetail(state)).toBe(englishOf(state.detail));
    for (const item of CHECKLIST) {
      expect(itemTitle(item)).toBe(item.title);
      expect(itemWhy(item)).toBe(item.why);
    }
  });

  it('shows the stored English of a report from before messages, or of a message this build lacks', () => {
    expect(checkSummary({ summary: 'Relay reached, somehow.' })).toBe('Relay reached, somehow.');
    const future = { key: 'sum_from_a_newer_version', args: [] };
    expect(checkSummary({ summary: 'Something new.', summaryMessage: future })).toBe('Something new.');
    expect(checkTitle({ title: 'A new check' })).toBe('A new check');
    expect(verdictHeadline({ headline: 'Ready, as an old report said.' })).toBe(
      'Ready, as an old report said.',
    );
  });
});

describe('check text in German', () => {
  let restore: () => void = () => undefined;
  beforeEach(() => {
    restore = useBrowserLanguage('de');
  });
  afterEach(() => restore());

  it('translates every summary and title the checks write', () => {
    for (const r of results) {
      const summary = checkSummary(r);
      expect(summary, `${r.id} ${r.reason}: ${r.summary}`).not.toBe(r.summary);
      expect(summary).not.toMatch(/\$\d/);
      expect(checkTitle(r), r.id).not.toBe(r.title);
    }
  });

  it('writes the values the German way and keeps hosts, ciphers and codes', () => {
    const media = results.find(
      (r) => r.id === 'secure-media' && r.reason === 'ok' && /\d\.\d/.test(r.summary),
    );
    expect(checkSummary(media as CheckResult)).toMatch(
      /^Verschlüsseltes Audio \(SRTP_AES128_CM_HMAC_SHA1_80\) hat den Hin- und Rückweg geschafft: UDP\/IPv4, RTT \d+(,\d+)? ms, Jitter .* MOS \d,\d+ \((ausgezeichnet|gut)\)\. Die Audiodaten liefen über den UDP-Port 35357 des Relays, stellvertretend für UDP 20000-39999 \(Medien der Tischtelefone\)\.$/,
    );
    const went = results.find((r) => r.id === 'secure-media' && r.reason === 'relay-went-away');
    expect(checkSummary(went as CheckResult)).toContain('relay.example:8443');
    const dns = results.find((r) => r.id === 'relay-https' && r.reason === 'dns-failure');
    expect(checkSummary(dns as CheckResult)).toBe(
      'DNS: Der DNS-Server hat geantwortet, dass relay.example:8443 nicht existiert oder nicht aufgelöst werden kann (NXDOMAIN oder Serverfehler). Prüfen Sie die Relay-Adresse auf Tippfehler; stimmt sie, fragen Sie Ihre IT-Administration, warum Ihr DNS-Server sie nicht auflöst (geteiltes oder filterndes DNS, DNS eines VPN).',
    );
    const timedOut = results.find((r) => r.id === 'https-target-1' && r.reason === 'check-timed-out');
    expect(checkSummary(timedOut as CheckResult)).toMatch(/^„HTTPS zu provider\.example“ wurde nicht/);
  });

  it('translates every verdict headline, quoting the deciding check in German', () => {
    for (const r of reports()) {
      const headline = verdictHeadline(r);
      expect(headline, r.headline).not.toBe(r.headline);
    }
    const blocked = reports().find((r) => r.headline.startsWith('Blocked: HTTPS to the relay failed.'));
    expect(verdictHeadline(blocked as Report)).toMatch(/^Blockiert: „HTTPS zum Relay“ ist fehlgeschlagen\. /);
  });

  it('translates NAT summaries, port rows, the remediation list and the checklist', () => {
    for (const n of nats()) expect(natSummary(n)).not.toBe(n.summary);
    const blocked = reports()
      .map(portMatrixOf)
      .find((v) => v && v.failed.length > 0);
    expect(remediationList(blocked as NonNullable<typeof blocked>)).toMatch(
      /^Bitte lassen Sie den folgenden ausgehenden Datenverkehr zum Anbieter zu:\n- ausgehend UDP zu Zielport\(s\) 40000-49999: Desk phones media Secure Voice/,
    );
    for (const row of blocked?.rows ?? []) {
      if (row.status !== 'not-testable' && row.detail !== 'not probed')
        expect(rowDetail(row)).not.toBe(row.detail);
    }
    for (const state of checklistStates()) {
      if (state.detail) expect(itemDetail(state)).not.toBe(englishOf(state.detail));
    }
    for (const item of CHECKLIST) {
      expect(itemTitle(item)).not.toBe(item.title);
      expect(itemWhy(item)).not.toBe(item.why);
    }
  });
});
