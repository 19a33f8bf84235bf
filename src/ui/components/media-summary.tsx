import type { MediaReport } from '../../protocol/report.ts';

const fmt = (v: number | null, unit = '') => (v === null ? 'not measured' : `${v}${unit}`);

/** The media figures a user asks about: encrypted or not, how, over what, and how good a call would be. */
export function MediaSummary({ media }: { media: MediaReport }) {
  const encrypted = media.encrypted;
  const cipher = media.srtpCipher;
  return (
    <section class="media-summary" aria-label="Secure media">
      <dl class="figures">
        <dt>Encrypted</dt>
        <dd data-field="encrypted">{encrypted ? `Yes${cipher ? ` (${cipher})` : ''}` : 'No'}</dd>
        <dt>Transport</dt>
        <dd data-field="transport">{media.transport?.toUpperCase() ?? 'unknown'}</dd>
        <dt>Round trip</dt>
        <dd data-field="rtt">{fmt(media.rttMs, ' ms')}</dd>
        <dt>Jitter</dt>
        <dd data-field="jitter">{fmt(media.jitterMs, ' ms')}</dd>
        <dt>Loss</dt>
        <dd data-field="loss">{fmt(media.lossPercent, ' %')}</dd>
        <dt>Call quality</dt>
        <dd data-field="mos">
          {media.mos === null ? 'not measured' : `MOS ${media.mos} (${media.mosBand ?? 'unknown'})`}
        </dd>
      </dl>
    </section>
  );
}
