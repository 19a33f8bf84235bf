import type { Report } from '../../protocol/report.ts';

const fmt = (v: unknown, unit = '') => (typeof v === 'number' ? `${v}${unit}` : 'not measured');

/** The media figures a user asks about: encrypted or not, how, over what, and how good a call would be. */
export function MediaSummary({ media }: { media: NonNullable<Report['media']> }) {
  const encrypted = media.encrypted === true;
  const cipher = typeof media.srtpCipher === 'string' ? media.srtpCipher : null;
  return (
    <section class="media-summary" aria-label="Secure media">
      <dl class="figures">
        <dt>Encrypted</dt>
        <dd data-field="encrypted">{encrypted ? `Yes${cipher ? ` (${cipher})` : ''}` : 'No'}</dd>
        <dt>Transport</dt>
        <dd data-field="transport">
          {typeof media.transport === 'string' ? media.transport.toUpperCase() : 'unknown'}
        </dd>
        <dt>Round trip</dt>
        <dd data-field="rtt">{fmt(media.rttMs, ' ms')}</dd>
        <dt>Jitter</dt>
        <dd data-field="jitter">{fmt(media.jitterMs, ' ms')}</dd>
        <dt>Loss</dt>
        <dd data-field="loss">{fmt(media.lossPercent, ' %')}</dd>
        <dt>Call quality</dt>
        <dd data-field="mos">
          {typeof media.mos === 'number' ? `MOS ${media.mos} (${String(media.mosBand)})` : 'not measured'}
        </dd>
      </dl>
    </section>
  );
}
