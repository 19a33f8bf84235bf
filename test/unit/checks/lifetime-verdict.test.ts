import { describe, expect, it } from 'vitest';
import { lifetimeFigures, lifetimeVerdict } from '../../../src/checks/nat-binding/lifetime-verdict.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { english, renderMessage } from '../../../src/messages/render.ts';
import { refreshInterval } from '../../../src/profiles/refresh.ts';
import type { BindingOutcome } from '../../../src/protocol/relay-messages.ts';

const GAPS = [15, 30, 60, 120];
const outcomes = (...o: BindingOutcome['outcome'][]): BindingOutcome[] =>
  o.map((outcome, i) => ({ gapS: GAPS[i] as number, outcome }));

describe('NAT binding lifetime figures', () => {
  it('puts the lifetime between the longest gap survived and the shortest lost', () => {
    expect(lifetimeFigures(GAPS, outcomes('survived', 'survived', 'expired', 'expired'))).toEqual({
      gapsS: GAPS,
      survivedS: 30,
      expiredS: 60,
      unmeasuredS: [],
      contradicted: false,
    });
  });

  it('says when a longer gap survived after a shorter one was lost, and keeps the lower figure', () => {
    const f = lifetimeFigures(GAPS, outcomes('survived', 'expired', 'survived', 'expired'));
    expect(f).toMatchObject({ survivedS: 15, expiredS: 30, contradicted: true });
  });

  it('lists gaps that got no outcome (never heard, or still waiting)', () => {
    const f = lifetimeFigures(GAPS, outcomes('survived', 'waiting'));
    expect(f).toMatchObject({ survivedS: 15, expiredS: null, unmeasuredS: [30, 60, 120] });
  });
});

describe('NAT binding lifetime verdict', () => {
  const rfc = refreshInterval(null);

  it('compares with RFC 4787 two minutes while the provider states no re-registration interval', () => {
    expect(refreshInterval()).toEqual({ seconds: 120, basis: 'rfc4787' });
    expect(refreshInterval(300)).toEqual({ seconds: 300, basis: 'provider' });
  });

  it('passes a mapping that outlived the interval', () => {
    const v = lifetimeVerdict(
      lifetimeFigures(GAPS, outcomes('survived', 'survived', 'survived', 'survived')),
      rfc,
    );
    expect(v).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(english(v.message)).toMatch(
      /^Your network kept an idle UDP mapping for 120 s, at least the 120 s/,
    );
  });

  it('warns with the measured range and the next step when the NAT forgets sooner', () => {
    const v = lifetimeVerdict(
      lifetimeFigures(GAPS, outcomes('survived', 'expired', 'expired', 'expired')),
      rfc,
    );
    expect(v).toMatchObject({ status: 'warn', reason: 'binding-short' });
    expect(english(v.message)).toContain(
      'forgets an idle UDP mapping after between 15 and 30 s idle (gaps tried: 15, 30, 60, 120 s)',
    );
    expect(english(v.message)).toContain("Raise the router's or firewall's UDP timeout to at least 120 s");
    const below = lifetimeVerdict(
      lifetimeFigures(GAPS, outcomes('expired', 'expired', 'expired', 'expired')),
      rfc,
    );
    expect(english(below.message)).toContain('in less than 15 s idle');
    const provider = lifetimeVerdict(
      lifetimeFigures(GAPS, outcomes('survived', 'expired')),
      refreshInterval(90),
    );
    expect(english(provider.message)).toContain("(the provider's re-registration interval)");
  });

  it('does not judge what it did not measure', () => {
    const short = lifetimeVerdict(
      lifetimeFigures(
        [3, 6],
        [
          { gapS: 3, outcome: 'survived' },
          { gapS: 6, outcome: 'survived' },
        ],
      ),
      rfc,
    );
    expect(short).toMatchObject({ status: 'skip', reason: 'gaps-too-short' });
    const none = lifetimeVerdict(lifetimeFigures(GAPS, outcomes('waiting', 'probing')), rfc);
    expect(none).toMatchObject({ status: 'skip', reason: 'not-measured' });
  });

  it('in Firefox never blames the network for a mapping the browser stopped answering', () => {
    // Firefox stops answering the relay a few seconds into the silence, whatever the router does.
    const lost = lifetimeFigures(GAPS, outcomes('survived', 'expired', 'expired', 'expired'));
    const v = lifetimeVerdict(lost, rfc, 'browser-stopped');
    expect(v).toMatchObject({ status: 'skip', reason: 'browser-stops-answering' });
    expect(english(v.message)).toBe(
      "Firefox stops answering the relay a few seconds after a connection falls silent, so how long your network keeps an idle UDP mapping cannot be measured in Firefox: the browser, not the network, ends the measurement. To see whether the mapping lasts the 120 s a phone's SIP flow needs, run the extended check in Chrome or Edge.",
    );
    expect(renderMessage(v.message, LANGUAGES.de)).toContain(
      'Der Browser, nicht das Netzwerk, beendet die Messung',
    );
    expect(renderMessage(v.message, LANGUAGES.de)).toContain('in Chrome oder Edge');
    const none = lifetimeVerdict(
      lifetimeFigures(GAPS, outcomes('expired', 'expired')),
      rfc,
      'browser-stopped',
    );
    expect(none.reason).toBe('browser-stops-answering');
    // What Firefox did keep answering is still the network's figure.
    const kept = lifetimeFigures(GAPS, outcomes('survived', 'survived', 'survived', 'survived'));
    expect(lifetimeVerdict(kept, rfc, 'browser-stopped')).toMatchObject({ status: 'pass', reason: 'ok' });
  });
});
