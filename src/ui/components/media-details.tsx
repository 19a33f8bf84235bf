import { Fragment } from 'preact';
import type { MediaReport } from '../../protocol/report.ts';

const NOT_MEASURED = 'not measured';
const num = (v: number | null, unit: string) => (v === null ? NOT_MEASURED : `${v} ${unit}`);
const text = (v: string | null) => v ?? NOT_MEASURED;

/** 'iceConnectedMs' → 'ICE connected': setup milestones are stored under camelCase keys. */
export function milestoneName(key: string): string {
  const words = key
    .replace(/Ms$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  const named = words.replace(/\b(ice|dtls|srtp|rtp|tls)\b/g, (w) => w.toUpperCase());
  return named.charAt(0).toUpperCase() + named.slice(1);
}

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
  return (
    <div class="media-details">
      <h3>Encryption</h3>
      <Figures
        label="Encryption"
        rows={[
          ['Encrypted', media.encrypted ? 'Yes' : 'No'],
          ['SRTP cipher', text(media.srtpCipher)],
          ['DTLS cipher', text(media.dtlsCipher)],
          ['DTLS version', text(media.tlsVersion)],
          ['DTLS role', text(media.dtlsRole)],
        ]}
      />
      <h3>Path</h3>
      <Figures
        label="Path"
        rows={[
          ['Transport', media.transport?.toUpperCase() ?? NOT_MEASURED],
          ['Local candidate', text(media.candidateTypes.local)],
          ['Remote candidate', text(media.candidateTypes.remote)],
          ...(media.relayProtocol ? [['TURN relay protocol', media.relayProtocol] as [string, string]] : []),
          ['Codec', text(media.codec)],
          ['Mode', media.mode === 'extended' ? 'Extended (30 s)' : 'Quick'],
        ]}
      />
      <h3>Quality</h3>
      <Figures
        label="Quality"
        rows={[
          [
            'Round trip',
            `${num(media.rttMs, 'ms')}${media.rttMs !== null && media.rttSource ? ` (${media.rttSource})` : ''}`,
          ],
          ['Jitter', num(media.jitterMs, 'ms')],
          ['Loss', num(media.lossPercent, '%')],
          [
            'Call quality',
            media.mos === null ? NOT_MEASURED : `MOS ${media.mos} (${media.mosBand ?? 'unknown'})`,
          ],
          [
            'Audio packets',
            `${media.packetsSent} sent, ${media.packetsReceived} echoed back, ${media.packetsLost} lost`,
          ],
          [
            'Data-channel probes',
            `${p.received} of ${p.sent} answered; median ${num(p.rttMedianMs, 'ms')}, 95th percentile ${num(p.rttP95Ms, 'ms')}, jitter ${num(p.jitterMs, 'ms')}, loss ${num(p.lossPercent, '%')}`,
          ],
        ]}
      />
      <h3>Setup timings</h3>
      {Object.keys(media.timings).length > 0 ? (
        <Figures
          label="Setup timings"
          rows={Object.entries(media.timings).map(([k, v]) => [milestoneName(k), num(v, 'ms')])}
        />
      ) : (
        <p class="hint">{NOT_MEASURED}</p>
      )}
      {media.samples.length > 0 ? (
        <div class="table-scroll">
          <table class="data-table compact" data-table="media-samples">
            <caption>Per-second samples</caption>
            <thead>
              <tr>
                <th scope="col">Second</th>
                <th scope="col">Packets received</th>
                <th scope="col">Packets lost</th>
                <th scope="col">Jitter</th>
                <th scope="col">Round trip</th>
              </tr>
            </thead>
            <tbody>
              {media.samples.map((s) => (
                <tr key={s.t}>
                  <th scope="row">{s.t}</th>
                  <td>{s.packetsReceived}</td>
                  <td>{s.packetsLost}</td>
                  <td>{s.jitterMs === null ? '–' : `${s.jitterMs} ms`}</td>
                  <td>{s.rttMs === null ? '–' : `${s.rttMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
