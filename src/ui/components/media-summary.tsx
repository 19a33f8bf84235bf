import { Fragment } from 'preact';
import { t } from '../../platform/i18n.ts';
import type { MediaReport, RegionsReport } from '../../protocol/report.ts';
import { localNumber, mosText } from '../check-text.ts';
import { lossLine } from '../loss-text.ts';
import { MediaRelayRows } from './media-relay-rows.tsx';

const fmt = (v: number | null, unitKey: 'unit_ms' | 'unit_percent') =>
  v === null ? t('common_not_measured') : t(unitKey, localNumber(v));

/** Stands in for the cipher while the message around it is looked up (a private-use character). */
const SLOT = '\uE000';

/**
 * "Yes (SRTP_AES128_CM_HMAC_SHA1_80)". The cipher name is one long word: with its parentheses it is kept
 * together on the next line when it fits there (as before), and may break after an underscore (<wbr>, which
 * leaves the text unchanged) when it does not, as beside the longer German labels.
 */
function YesCipher({ cipher }: { cipher: string }) {
  const [before = '', after = ''] = t('media_yes_cipher', SLOT).split(SLOT);
  const [, lead = '', open = ''] = /^([\s\S]*?)(\S*)$/.exec(before) ?? [];
  const [, close = '', rest = ''] = /^(\S*)([\s\S]*)$/.exec(after) ?? [];
  const parts = cipher.split(/(?<=_)/);
  return (
    <>
      {lead}
      <span style={{ display: 'inline-block' }}>
        {open}
        {parts.map((part, i) => (
          <Fragment key={`${i}:${part}`}>
            {part}
            {i < parts.length - 1 ? <wbr /> : null}
          </Fragment>
        ))}
        {close}
      </span>
      {rest}
    </>
  );
}

/**
 * The media figures a user asks about: encrypted or not, how, over what, and how good a call would be; with
 * relays compared, first the relay they came from and the one recommended.
 */
export function MediaSummary({ media, regions }: { media: MediaReport; regions?: RegionsReport | null }) {
  const encrypted = media.encrypted;
  const cipher = media.srtpCipher;
  return (
    <section class="media-summary" aria-label={t('media_label')}>
      <dl class="figures">
        {regions ? <MediaRelayRows regions={regions} /> : null}
        <dt>{t('media_encrypted')}</dt>
        <dd data-field="encrypted">
          {encrypted ? cipher ? <YesCipher cipher={cipher} /> : t('common_yes') : t('common_no')}
        </dd>
        <dt>{t('media_transport')}</dt>
        <dd data-field="transport">{media.transport?.toUpperCase() ?? t('common_unknown')}</dd>
        <dt>{t('media_rtt')}</dt>
        <dd data-field="rtt">{fmt(media.rttMs, 'unit_ms')}</dd>
        <dt>{t('media_jitter')}</dt>
        <dd data-field="jitter">{fmt(media.jitterMs, 'unit_ms')}</dd>
        <dt>{t('media_loss')}</dt>
        <dd data-field="loss">{lossLine(media)}</dd>
        <dt>{t('media_quality')}</dt>
        <dd data-field="mos">{mosText(media)}</dd>
      </dl>
    </section>
  );
}
