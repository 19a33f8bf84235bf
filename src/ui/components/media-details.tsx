import { Fragment } from 'preact';
import { toneSilent } from '../../checks/media/media-context.ts';
import type { PlainLabelKey } from '../../messages/labels.ts';
import { t } from '../../platform/i18n.ts';
import type { MediaReport } from '../../protocol/report.ts';
import { MediaChart } from '../charts/media-chart.tsx';
import { localNumber, mosText } from '../check-text.ts';
import { lossRows } from '../loss-text.ts';

const notMeasured = () => t('common_not_measured');
const ms = (v: number | null) => (v === null ? notMeasured() : t('unit_ms', localNumber(v)));
const percent = (v: number | null) => (v === null ? notMeasured() : t('unit_percent', localNumber(v)));
const text = (v: string | null) => v ?? notMeasured();

/** 'iceConnectedMs' → 'ICE connected': setup milestones are stored under camelCase keys. */
export function milestoneName(key: string): string {
  const words = key
    .replace(/Ms$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  const named = words.replace(/\b(ice|dtls|srtp|rtp|tls)\b/g, (w) => w.toUpperCase());
  return named.charAt(0).toUpperCase() + named.slice(1);
}

const MILESTONE_KEYS: Record<string, PlainLabelKey> = {
  signalingMs: 'media_milestone_signaling',
  iceConnectedMs: 'media_milestone_ice_connected',
  dtlsConnectedMs: 'media_milestone_dtls_connected',
  firstEchoMs: 'media_milestone_first_echo',
};

/** A milestone's name in the UI language; milestones this build does not know are spelled out from the key. */
const milestoneLabel = (key: string) => {
  const messageKey = MILESTONE_KEYS[key];
  return messageKey ? t(messageKey) : milestoneName(key);
};

function Figures({ label, rows }: { label: string; rows: Array<[string, string]> }) {
  return (
    <dl class="figures" aria-label={label}>
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Everything the media loopback measured: how it was encrypted, which path it took, and how good it was. */
export function MediaDetails({ media }: { media: MediaReport }) {
  const p = media.probes;
  const encryption = t('media_heading_encryption');
  const path = t('media_heading_path');
  const quality = t('media_heading_quality');
  const timings = t('media_heading_timings');
  return (
    <div class="media-details">
      <h3>{encryption}</h3>
      <Figures
        label={encryption}
        rows={[
          [t('media_encrypted'), media.encrypted ? t('common_yes') : t('common_no')],
          [t('media_srtp_cipher'), text(media.srtpCipher)],
          [t('media_dtls_cipher'), text(media.dtlsCipher)],
          [t('media_dtls_version'), text(media.tlsVersion)],
          [t('media_dtls_role'), text(media.dtlsRole)],
        ]}
      />
      <h3>{path}</h3>
      <Figures
        label={path}
        rows={[
          [t('media_transport'), media.transport?.toUpperCase() ?? notMeasured()],
          [t('media_local_candidate'), text(media.candidateTypes.local)],
          [t('media_remote_candidate'), text(media.candidateTypes.remote)],
          ...(media.relayProtocol
            ? [[t('media_turn_protocol'), media.relayProtocol] as [string, string]]
            : []),
          [t('media_codec'), text(media.codec)],
          [t('media_tone'), toneSilent(media.toneState) ? t('media_tone_silent') : t('media_tone_running')],
          [t('media_mode'), media.mode === 'extended' ? t('media_mode_extended') : t('media_mode_quick')],
        ]}
      />
      <h3>{quality}</h3>
      <Figures
        label={quality}
        rows={[
          [
            t('media_rtt'),
            `${ms(media.rttMs)}${media.rttMs !== null && media.rttSource ? ` (${media.rttSource})` : ''}`,
          ],
          [t('media_jitter'), ms(media.jitterMs)],
          ...lossRows(media),
          [t('media_quality'), mosText(media)],
          [
            t('media_audio_packets'),
            t(
              'media_audio_packets_value',
              localNumber(media.packetsSent),
              localNumber(media.packetsReceived),
              localNumber(media.packetsLost),
            ),
          ],
          [
            t('media_probes'),
            t(
              'media_probes_value',
              localNumber(p.received),
              localNumber(p.sent),
              ms(p.rttMedianMs),
              ms(p.rttP95Ms),
              ms(p.jitterMs),
              percent(p.lossPercent),
            ),
          ],
        ]}
      />
      <h3>{timings}</h3>
      {Object.keys(media.timings).length > 0 ? (
        <Figures
          label={timings}
          rows={Object.entries(media.timings).map(([k, v]) => [milestoneLabel(k), ms(v)])}
        />
      ) : (
        <p class="hint">{notMeasured()}</p>
      )}
      {media.samples.length > 0 ? (
        <MediaChart samples={media.samples} loss={media.loss} perSecond={media.lossPerSecond} />
      ) : null}
      {media.samples.length > 0 ? (
        <div class="table-scroll">
          <table class="data-table compact" data-table="media-samples">
            <caption>{t('media_samples_caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('media_col_second')}</th>
                <th scope="col">{t('media_col_received')}</th>
                <th scope="col">{t('media_col_lost')}</th>
                <th scope="col">{t('media_jitter')}</th>
                <th scope="col">{t('media_rtt')}</th>
              </tr>
            </thead>
            <tbody>
              {media.samples.map((s) => (
                <tr key={s.t}>
                  <th scope="row">{localNumber(s.t)}</th>
                  <td>{s.packetsReceived}</td>
                  <td>{s.packetsLost}</td>
                  <td>{s.jitterMs === null ? '–' : ms(s.jitterMs)}</td>
                  <td>{s.rttMs === null ? '–' : ms(s.rttMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
