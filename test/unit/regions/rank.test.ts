import { describe, expect, it } from 'vitest';
import { type RelayFigures, rankRelays } from '../../../src/checks/regions/rank.ts';
import { msg } from '../../../src/messages/catalog.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { english, renderMessage } from '../../../src/messages/render.ts';

const relay = (name: string, over: Partial<RelayFigures> = {}): RelayFigures => ({
  name,
  url: `https://${name.toLowerCase()}.relay.example`,
  primary: false,
  httpsMs: 20,
  rttMs: 10,
  lossPercent: 0,
  lossInterval: null,
  jitterMs: 2,
  mos: 4.41,
  problem: null,
  ...over,
});

const said = (r: RelayFigures[]) => english(rankRelays(r).message);

describe('rankRelays', () => {
  it('recommends the relay with the higher MOS, naming the runner-up and both figures', () => {
    const lossy = relay('Paris', { primary: true, lossPercent: 10.4, mos: 2.93 });
    const clean = relay('Frankfurt');
    const r = rankRelays([lossy, clean]);
    expect(r.best?.name).toBe('Frankfurt');
    expect(r.basis).toBe('mos');
    expect(r.order.map((x) => x.name)).toEqual(['Frankfurt', 'Paris']);
    expect(said([lossy, clean])).toBe(
      'Recommended relay: Frankfurt (calls through it would sound best: MOS 4.4, against 2.9 through Paris).',
    );
  });

  it('lets loss, then round trip, then jitter decide where the MOS is within a tenth and the others differ beyond noise', () => {
    const a = relay('A', { mos: 4.38, lossPercent: 4.4, lossInterval: { low: 3.2, high: 6 } });
    const b = relay('B', { mos: 4.41, lossPercent: 0.1, lossInterval: { low: 0, high: 1.9 } });
    expect(rankRelays([a, b]).best?.name).toBe('B');
    expect(rankRelays([a, b]).basis).toBe('loss');
    expect(said([b, a])).toBe(
      'Recommended relay: B (MOS 4.4 as through A, with less loss: 0.1 % against 4.4 %).',
    );
    const near = relay('Near', { rttMs: 8.2 });
    const far = relay('Far', { rttMs: 41.6 });
    expect(rankRelays([far, near]).best?.name).toBe('Near');
    expect(said([far, near])).toBe(
      'Recommended relay: Near (MOS 4.4 as through Far, with a shorter round trip: 8 ms against 42 ms).',
    );
    const calm = relay('Calm', { jitterMs: 1 });
    const shaky = relay('Shaky', { jitterMs: 9.5 });
    expect(rankRelays([shaky, calm]).basis).toBe('jitter');
    expect(rankRelays([shaky, calm]).best?.name).toBe('Calm');
  });

  it('keeps the configured relay first when the relays measured alike, else the list order', () => {
    const listed = relay('Listed');
    const configured = relay('Configured', { primary: true });
    expect(rankRelays([listed, configured]).best?.name).toBe('Configured');
    expect(said([listed, configured])).toBe(
      'Configured and Listed measured alike (MOS 4.4; their short samples cannot tell them apart): keep the configured relay, Configured.',
    );
    expect(rankRelays([relay('First'), relay('Second')]).best?.name).toBe('First');
    expect(rankRelays([relay('First'), relay('Second')]).basis).toBe('same');
    expect(said([relay('First'), relay('Second')])).toBe(
      'Recommended relay: First, the first in the list: it and Second measured alike (MOS 4.4; their short samples cannot tell them apart).',
    );
  });
  it('puts relays that could not be measured last and recommends the only one measured', () => {
    const down = relay('Down', { mos: null, rttMs: null, problem: msg('regions_broke_off') });
    const up = relay('Up', { mos: 3.1 });
    const r = rankRelays([down, up]);
    expect(r.order.map((x) => x.name)).toEqual(['Up', 'Down']);
    expect(r.basis).toBe('only');
    expect(english(r.message)).toBe('Recommended relay: Up (the only relay that could be measured).');
  });

  it('recommends none when none was measured', () => {
    const r = rankRelays([relay('A', { mos: null }), relay('B', { mos: null })]);
    expect(r.best).toBeNull();
    expect(english(r.message)).toBe('None of the 2 relays could be measured, so none is recommended.');
  });

  describe('within what a quick sample can tell apart (resolution.ts), the relays are equivalent', () => {
    const configured = (over: Partial<RelayFigures>) =>
      relay('Lyon', { primary: true, rttMs: 2, lossInterval: { low: 0, high: 1.9 }, ...over });
    const other = (over: Partial<RelayFigures>) =>
      relay('Bonn', { rttMs: 1, lossInterval: { low: 0, high: 1.9 }, ...over });
    const alike = (a: RelayFigures, b: RelayFigures) => {
      const r = rankRelays([a, b]);
      return { best: r.best?.name, basis: r.basis, order: r.order.map((x) => x.name) };
    };

    it('a round trip 1 ms shorter, or 5 ms, does not move the recommendation off the configured relay', () => {
      expect(alike(configured({}), other({}))).toEqual({
        best: 'Lyon',
        basis: 'same',
        order: ['Lyon', 'Bonn'],
      });
      expect(alike(configured({ rttMs: 40 }), other({ rttMs: 35 })).best).toBe('Lyon');
      // More than 5 ms but within a tenth of the longer round trip: still alike.
      expect(alike(configured({ rttMs: 90 }), other({ rttMs: 82 })).best).toBe('Lyon');
      // More than both: the shorter one wins.
      expect(alike(configured({ rttMs: 20 }), other({ rttMs: 12 }))).toEqual({
        best: 'Bonn',
        basis: 'rtt',
        order: ['Bonn', 'Lyon'],
      });
    });

    it('MOS 0.1 apart is alike, and so is a bigger MOS gap made of loss within overlapping intervals', () => {
      expect(alike(configured({ mos: 4.3 }), other({ mos: 4.4 })).best).toBe('Lyon');
      // 0 % (0-1.9) against 1.5 % (0.6-3.5): the samples overlap, so the 0.2 MOS they give is noise too.
      const lossy = configured({ mos: 4.2, lossPercent: 1.5, lossInterval: { low: 0.6, high: 3.5 } });
      expect(alike(lossy, other({ mos: 4.4 }))).toMatchObject({ best: 'Lyon', basis: 'same' });
      // 15 % (11-20) against 0 % (0-1.9): apart, and the MOS says how much it matters.
      const bad = configured({ mos: 2.9, lossPercent: 15, lossInterval: { low: 11, high: 20 } });
      expect(alike(bad, other({ mos: 4.4 }))).toEqual({
        best: 'Bonn',
        basis: 'mos',
        order: ['Bonn', 'Lyon'],
      });
      expect(said([bad, other({ mos: 4.4 })])).toBe(
        'Recommended relay: Bonn (calls through it would sound best: MOS 4.4, against 2.9 through Lyon).',
      );
    });

    it("loss without an interval is apart only beyond twice the quick check's ±2 points", () => {
      expect(
        alike(configured({ lossInterval: null, lossPercent: 3.9 }), other({ lossInterval: null })).best,
      ).toBe('Lyon');
      expect(
        alike(configured({ lossInterval: null, lossPercent: 4.2 }), other({ lossInterval: null })),
      ).toMatchObject({
        best: 'Bonn',
        basis: 'loss',
      });
    });

    it('jitter 3 ms apart is alike, more is not', () => {
      expect(alike(configured({ jitterMs: 5 }), other({ jitterMs: 2 })).best).toBe('Lyon');
      expect(alike(configured({ jitterMs: 5.5 }), other({ jitterMs: 2 }))).toMatchObject({
        best: 'Bonn',
        basis: 'jitter',
      });
    });

    it('compares a recommended relay with the configured one, not with another relay alike to it', () => {
      const paris = relay('Paris', {
        primary: true,
        mos: 2.9,
        lossPercent: 15,
        lossInterval: { low: 11, high: 20 },
      });
      const madrid = relay('Madrid', { rttMs: 9, lossInterval: { low: 0, high: 1.9 } });
      const frankfurt = relay('Frankfurt', { rttMs: 10, lossInterval: { low: 0, high: 1.9 } });
      const r = rankRelays([paris, frankfurt, madrid]);
      // Madrid's 1 ms is noise: Frankfurt, listed first of the two, is recommended, against Paris.
      expect(r.best?.name).toBe('Frankfurt');
      expect(r.against?.name).toBe('Paris');
      expect(english(r.message)).toBe(
        'Recommended relay: Frankfurt (calls through it would sound best: MOS 4.4, against 2.9 through Paris).',
      );
    });

    it('says the same in German', () => {
      expect(renderMessage(rankRelays([configured({}), other({})]).message, LANGUAGES.de)).toBe(
        'Lyon und Bonn wurden gleich gemessen (MOS 4,4; ihre kurzen Proben können sie nicht unterscheiden): Behalten Sie das eingestellte Relay, Lyon.',
      );
    });
  });
});
