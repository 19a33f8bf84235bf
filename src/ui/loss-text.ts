/**
 * Loss as the pages show it: per direction, each with what the sample resolves, and which figure the MOS
 * uses. A report of version 1 (or a run against a relay that did not say what it received) has only the
 * round trip, and is labelled so.
 */
import { t } from '../platform/i18n.ts';
import type { LossFigure, MediaReport } from '../protocol/report.ts';
import { localNumber } from './check-text.ts';

const notMeasured = () => t('common_not_measured');

/** One direction's loss with its 95 % range and counts, or "not measured". */
export function lossFigureText(f: LossFigure | null | undefined): string {
  if (!f) return notMeasured();
  const n = localNumber;
  return t('media_loss_value', n(f.percent), n(f.low), n(f.high), n(f.lost), n(f.packets));
}

const BASIS_KEYS = {
  uplink: 'media_mos_from_uplink',
  downlink: 'media_mos_from_downlink',
  'round-trip': 'media_mos_from_round_trip',
} as const;

/** The report page's loss rows: uplink, downlink, round trip, and the figure the MOS rests on. */
export function lossRows(media: MediaReport): Array<[string, string]> {
  const loss = media.loss;
  const basis = loss?.scored ?? (media.lossPercent === null ? null : 'round-trip');
  const roundTrip = loss?.roundTrip ?? null;
  return [
    ...(loss?.uplink || loss?.downlink
      ? ([
          [t('media_loss_uplink'), lossFigureText(loss.uplink)],
          [t('media_loss_downlink'), lossFigureText(loss.downlink)],
        ] as Array<[string, string]>)
      : []),
    [
      t('media_loss_round_trip'),
      roundTrip
        ? lossFigureText(roundTrip)
        : media.lossPercent === null
          ? notMeasured()
          : t('unit_percent', localNumber(media.lossPercent)),
    ],
    [t('media_mos_from'), basis ? t(BASIS_KEYS[basis]) : notMeasured()],
  ];
}

/** The popup's one line: "1.2 % up, 0.4 % down", or the round trip when that is all there is. */
export function lossLine(media: MediaReport): string {
  const up = media.loss?.uplink;
  const down = media.loss?.downlink;
  if (up && down) return t('media_loss_up_down', localNumber(up.percent), localNumber(down.percent));
  if (media.lossPercent === null) return notMeasured();
  return t('media_loss_round_trip_value', localNumber(media.loss?.roundTrip?.percent ?? media.lossPercent));
}
