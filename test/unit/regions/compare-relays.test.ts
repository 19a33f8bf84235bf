import { describe, expect, it } from 'vitest';
import { compareRelays, comparisonResult, figuresOf } from '../../../src/checks/regions/compare-relays.ts';
import { relaysToCompare } from '../../../src/checks/regions/relay-list.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { msg } from '../../../src/messages/catalog.ts';
import { fakeContext } from '../../fakes/check-context.ts';
import { mediaReport } from '../../fakes/media-report.ts';

const PRIMARY = { name: 'Paris', url: 'https://par.relay.example', primary: true };
const OTHER = { name: 'Frankfurt', url: 'https://fra.relay.example:8443', primary: false };

const result = (id: string, over: Partial<CheckResult> = {}): CheckResult => ({
  id,
  title: id,
  status: 'pass',
  reason: 'ok',
  summary: 'fine',
  durationMs: 25,
  data: {},
  ...over,
});

const probeBody = JSON.stringify({
  relayVersion: '1.0.0',
  clientAddress: '10.0.0.2',
  serverTime: 0,
  tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
});

describe('relaysToCompare', () => {
  it('puts the configured relay first, named by its list entry, and each other relay once', () => {
    expect(
      relaysToCompare('https://par.relay.example', [
        { name: 'Frankfurt', url: 'https://fra.relay.example:8443' },
        { name: 'Paris', url: 'https://PAR.relay.example/' },
        { name: 'Again', url: 'https://fra.relay.example:8443/' },
      ]),
    ).toEqual([PRIMARY, OTHER]);
  });

  it('names a relay by its host when the list gives no name', () => {
    expect(relaysToCompare('https://par.relay.example', [{ name: '', url: OTHER.url }])).toEqual([
      { ...PRIMARY, name: 'par.relay.example' },
      { ...OTHER, name: 'fra.relay.example:8443' },
    ]);
  });

  it('compares nothing when the list names no other relay', () => {
    expect(relaysToCompare(PRIMARY.url, [])).toEqual([]);
    expect(relaysToCompare(PRIMARY.url, [{ name: 'Paris', url: PRIMARY.url }])).toEqual([]);
  });
});

describe('figuresOf', () => {
  it("takes the media check's round trip, loss, jitter and MOS, and HTTPS's time", () => {
    const media = result('secure-media', {
      data: { media: mediaReport({ rttMs: 12, lossPercent: 4, mos: 3.8 }) },
    });
    expect(figuresOf(OTHER, result('relay-https', { durationMs: 31 }), media)).toMatchObject({
      httpsMs: 31,
      rttMs: 12,
      lossPercent: 4,
      jitterMs: 2,
      mos: 3.8,
      problem: null,
    });
  });

  it("keeps the scored loss figure's 95 % interval, which the ranking weighs differences against", () => {
    const figure = { percent: 0, lost: 0, packets: 93, low: 0, high: 4 };
    const loss = {
      uplink: figure,
      downlink: { ...figure, percent: 1, lost: 1, high: 5.8 },
      roundTrip: figure,
    };
    const media = result('secure-media', {
      data: { media: mediaReport({ lossPercent: 1, loss: { ...loss, scored: 'downlink' } }) },
    });
    expect(figuresOf(OTHER, result('relay-https'), media).lossInterval).toEqual({ low: 0, high: 5.8 });
    const older = result('secure-media', { data: { media: mediaReport({}) } });
    expect(figuresOf(OTHER, result('relay-https'), older).lossInterval).toBeNull();
  });

  it('says why a relay has no figures: the failed step in its own words', () => {
    const refused = result('relay-https', {
      status: 'fail',
      reason: 'connection-refused',
      summaryMessage: msg('net_connection_refused', 'fra.relay.example:8443'),
    });
    expect(figuresOf(OTHER, refused, null)).toMatchObject({
      mos: null,
      problem: msg('net_connection_refused', 'fra.relay.example:8443'),
    });
    expect(figuresOf(OTHER, null, null).problem).toEqual(msg('regions_broke_off'));
  });
});

describe('comparisonResult', () => {
  it('passes and recommends when every relay was measured', () => {
    const c = comparisonResult(
      [
        { ...PRIMARY, httpsMs: 20, rttMs: 5, lossPercent: 10, jitterMs: 3, mos: 2.9, problem: null },
        { ...OTHER, httpsMs: 22, rttMs: 5, lossPercent: 0, jitterMs: 2, mos: 4.4, problem: null },
      ],
      1200,
    );
    expect(c).toMatchObject({ id: 'relay-comparison', status: 'pass', reason: 'ok' });
    expect(c.summary).toMatch(/^Recommended relay: Frankfurt \(/);
    expect(c.data.recommended).toBe(OTHER.url);
    expect((c.data.relays as Array<{ name: string }>).map((r) => r.name)).toEqual(['Frankfurt', 'Paris']);
  });

  it('warns naming each relay that could not be measured, and why', () => {
    const c = comparisonResult(
      [
        { ...PRIMARY, httpsMs: 20, rttMs: 5, lossPercent: 0, jitterMs: 3, mos: 4.4, problem: null },
        {
          ...OTHER,
          httpsMs: null,
          rttMs: null,
          lossPercent: null,
          jitterMs: null,
          mos: null,
          problem: msg('net_connection_refused', 'fra.relay.example:8443'),
        },
      ],
      900,
    );
    expect(c).toMatchObject({ status: 'warn', reason: 'relays-not-measured' });
    expect(c.summary).toMatch(
      /^Recommended relay: Paris \(the only relay that could be measured\)\. Frankfurt was not measured: .*fra\.relay\.example:8443/,
    );
    expect((c.data.relays as Array<{ problem: string | null }>)[1]?.problem).toMatch(/fra\.relay\.example/);
  });
});

describe('compareRelays', () => {
  it("measures the other relays only after the run's own media check, one at a time", async () => {
    const order: string[] = [];
    let releaseMedia: (r: CheckResult) => void = () => undefined;
    const ownMedia = new Promise<CheckResult>((resolve) => {
      releaseMedia = resolve;
    });
    const ctx = fakeContext({
      fetch: async () =>
        new Response(probeBody, { status: 200, headers: { 'content-type': 'application/json' } }),
    });
    const running = compareRelays(
      [PRIMARY, OTHER, { name: 'Madrid', url: 'https://mad.relay.example', primary: false }],
      { https: Promise.resolve(result('relay-https')), media: ownMedia },
      async (url) => {
        order.push(url);
        const lossy = url.includes('mad');
        return result('secure-media', {
          data: { media: mediaReport(lossy ? { lossPercent: 12, mos: 2.5 } : {}) },
        });
      },
      ctx,
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    releaseMedia(result('secure-media', { data: { media: mediaReport({ lossPercent: 8, mos: 3.0 }) } }));
    const c = await running;
    expect(order).toEqual([OTHER.url, 'https://mad.relay.example']);
    expect(c.data.recommended).toBe(OTHER.url);
    expect(c.summary).toBe(
      'Recommended relay: Frankfurt (calls through it would sound best: MOS 4.4, against 3.0 through Paris).',
    );
  });
});
