import { describe, expect, it } from 'vitest';
import { evaluateChecklist } from '../../../src/checklist/evaluate.ts';
import { CHECKLIST } from '../../../src/checklist/items.ts';
import { msg } from '../../../src/messages/catalog.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { mediaReport } from '../../fakes/media-report.ts';
import { readSeed } from '../../helpers/seeds.ts';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const seed = readSeed('001_ec1c6eac36322f23.txt');

function report(over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    runId: 'r',
    verdict: 'ready',
    headline: '',
    startedAt: '',
    finishedAt: '',
    interrupted: false,
    relayUrl: 'https://relay',
    extensionVersion: '1',
    browser: 'chrome',
    checks: [
      {
        id: 'relay-https',
        title: 'HTTPS',
        status: 'pass',
        reason: 'ok',
        summary: '',
        durationMs: 1,
        data: { tlsVersion: 'TLSv1.3' },
      },
      {
        id: 'secure-media',
        title: 'Media',
        status: 'pass',
        reason: 'ok',
        summary: '',
        durationMs: 1,
        data: {},
      },
    ],
    media: mediaReport(),
    ports: [],
    nat: null,
    tls: { https: { version: 'TLSv1.3', cipher: null }, wss: null, ok: true },
    ...over,
  };
}

describe('checklist data', () => {
  it('has the 12 items of the seed checklist, in its words, plus the firewall preparation', () => {
    const seedItems = seed
      .slice(seed.indexOf('Checklist for protecting'))
      .split('•')
      .slice(1)
      .map((t) => t.split('Tip:')[0]?.replace(/\s+/g, ' ').trim());
    expect(seedItems).toHaveLength(12);
    const fromSeed = CHECKLIST.filter((i) => i.source === 'security-overview').map((i) => i.title);
    expect(fromSeed).toEqual(seedItems);
    expect(CHECKLIST).toHaveLength(14);
    for (const item of CHECKLIST) expect(item.why.length).toBeGreaterThan(10);
  });
});

describe('evaluateChecklist', () => {
  it('verifies encryption, the encrypted web session and UDP+TLS from a good run', () => {
    const r = evaluateChecklist(report(), {}, NOW);
    const status = Object.fromEntries(r.items.map((i) => [i.item.id, i.status]));
    expect(status['voip-encryption']).toBe('verified');
    expect(status['encrypted-web-session']).toBe('verified');
    expect(status['open-all-protocols']).toBe('verified');
    expect(status['strong-passwords']).toBe('todo');
    expect(r).toMatchObject({ done: 3, total: 14 });
  });

  it('flags an item whose evidence failed, even if the user ticked it', () => {
    const bad = report({ media: mediaReport({ srtpCipher: null, transport: 'tcp' }) });
    const r = evaluateChecklist(bad, { 'voip-encryption': '2026-11-01T00:00:00Z' }, NOW);
    expect(r.items.find((i) => i.item.id === 'voip-encryption')?.status).toBe('attention');
  });

  it('counts user-confirmed items with their date, and shows periodic ones due after the interval', () => {
    const r = evaluateChecklist(
      null,
      { 'strong-passwords': '2026-11-20T09:00:00Z', 'change-passwords': '2026-07-01T00:00:00Z' },
      NOW,
    );
    const get = (id: string) => r.items.find((i) => i.item.id === id);
    expect(get('strong-passwords')).toMatchObject({
      status: 'done',
      detail: msg('checklist_detail_confirmed', '2026-11-20'),
    });
    expect(get('change-passwords')?.status).toBe('due');
    expect(r.done).toBe(1);
  });

  it('uses a configured interval instead of the default', () => {
    const r = evaluateChecklist(null, { 'review-usage': '2026-11-01T00:00:00Z' }, NOW, { 'review-usage': 7 });
    expect(r.items.find((i) => i.item.id === 'review-usage')?.status).toBe('due');
  });
});

describe('evaluateChecklist: firewall evidence from the port matrix', () => {
  const matrix = (status: 'pass' | 'fail' | 'skip') => ({
    id: 'port-matrix',
    title: 'Ports',
    status,
    reason: status === 'pass' ? 'ok' : 'x',
    summary: `ports ${status}`,
    durationMs: 1,
    data: {},
  });
  const nat = {
    natDetected: true,
    mapping: 'endpoint-independent' as const,
    pathsDiffer: false,
    summary: 'Behind NAT.',
    portsCompared: 2,
  };

  it('verifies the ports item and "behind firewalls" from a passing matrix that saw NAT', () => {
    const base = report();
    const r = evaluateChecklist(report({ checks: [...base.checks, matrix('pass')], nat }), {}, NOW);
    const get = (id: string) => r.items.find((i) => i.item.id === id)?.status;
    expect(get('open-firewall-ports')).toBe('verified');
    expect(get('phones-behind-firewalls')).toBe('verified');
  });

  it('flags the ports item when the matrix failed, and says nothing when it was skipped', () => {
    const base = report();
    const failed = evaluateChecklist(report({ checks: [...base.checks, matrix('fail')] }), {}, NOW);
    expect(failed.items.find((i) => i.item.id === 'open-firewall-ports')?.status).toBe('attention');
    const skipped = evaluateChecklist(report({ checks: [...base.checks, matrix('skip')] }), {}, NOW);
    expect(skipped.items.find((i) => i.item.id === 'open-firewall-ports')?.status).toBe('todo');
  });
});
