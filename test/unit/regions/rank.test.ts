import { describe, expect, it } from 'vitest';
import { type RelayFigures, rankRelays } from '../../../src/checks/regions/rank.ts';
import { msg } from '../../../src/messages/catalog.ts';
import { english } from '../../../src/messages/render.ts';

const relay = (name: string, over: Partial<RelayFigures> = {}): RelayFigures => ({
  name,
  url: `https://${name.toLowerCase()}.relay.example`,
  primary: false,
  httpsMs: 20,
  rttMs: 10,
  lossPercent: 0,
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

  it('treats MOS differences below the shown decimal as alike and lets loss, then round trip, then jitter decide', () => {
    const a = relay('A', { mos: 4.38, lossPercent: 0.4 });
    const b = relay('B', { mos: 4.41, lossPercent: 0.1 });
    expect(rankRelays([a, b]).best?.name).toBe('B');
    expect(rankRelays([a, b]).basis).toBe('loss');
    expect(said([b, a])).toBe(
      'Recommended relay: B (MOS 4.4 as through A, with less loss: 0.1 % against 0.4 %).',
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
      'Recommended relay: Configured (MOS 4.4, measured alike through Listed; it is the relay already configured).',
    );
    expect(rankRelays([relay('First'), relay('Second')]).best?.name).toBe('First');
    expect(rankRelays([relay('First'), relay('Second')]).basis).toBe('same');
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
});
