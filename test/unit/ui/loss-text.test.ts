import { afterEach, describe, expect, it } from 'vitest';
import { lossFigure } from '../../../src/checks/media/directional-loss.ts';
import type { LossFigure } from '../../../src/protocol/report.ts';
import { lossLine, lossRows } from '../../../src/ui/loss-text.ts';
import { mediaReport } from '../../fakes/media-report.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

const figure = (packets: number, lost: number) => lossFigure({ packets, lost }) as LossFigure;
/** A report of version 2: 10 % lost on the way to the relay, nothing on the way back. */
const directional = mediaReport({
  lossPercent: 10,
  loss: { uplink: figure(300, 30), downlink: figure(270, 0), roundTrip: figure(300, 30), scored: 'uplink' },
});
/** A report of version 1: one loss figure, which was the round trip. */
const roundTripOnly = mediaReport({ lossPercent: 19.9 });

describe('loss as the pages show it', () => {
  it('labels each direction with its range and says which one the MOS uses', () => {
    restore = useBrowserLanguage('en');
    expect(lossRows(directional)).toEqual([
      ['Loss, uplink (this computer to the relay)', '10 % (95 % range 7.1–13.9 %; 30 of 300 packets lost)'],
      ['Loss, downlink (relay to this computer)', '0 % (95 % range 0–1.4 %; 0 of 270 packets lost)'],
      ['Loss, round trip', '10 % (95 % range 7.1–13.9 %; 30 of 300 packets lost)'],
      ['MOS and rating from', 'uplink loss (the worse direction)'],
    ]);
    expect(lossLine(directional)).toBe('10 % up, 0 % down');
  });

  it('labels an old report’s single figure as the round trip', () => {
    restore = useBrowserLanguage('en');
    expect(lossRows(roundTripOnly)).toEqual([
      ['Loss, round trip', '19.9 %'],
      ['MOS and rating from', 'round-trip loss (no per-direction figures)'],
    ]);
    expect(lossLine(roundTripOnly)).toBe('19.9 % round trip');
  });

  it('in German too', () => {
    restore = useBrowserLanguage('de');
    expect(lossLine(directional)).toBe('10 % hin, 0 % zurück');
    expect(lossRows(directional)[0]?.[0]).toBe('Verlust hin (dieser Computer zum Relay)');
  });
});
