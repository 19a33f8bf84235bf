import type { Report } from '../../protocol/report.ts';

type Seen = Report['tls']['https'];

const seen = (t: Seen) =>
  t ? `${t.version ?? 'unknown version'}${t.cipher ? `, ${t.cipher}` : ''}` : 'not measured';

/** The TLS versions and ciphers the relay connections used; the provider needs TLS 1.2 or later. */
export function TlsDetails({ tls }: { tls: Report['tls'] }) {
  return (
    <dl class="figures">
      <dt>HTTPS</dt>
      <dd data-field="tls-https">{seen(tls.https)}</dd>
      <dt>WSS</dt>
      <dd data-field="tls-wss">{seen(tls.wss)}</dd>
      <dt>TLS 1.2 or later</dt>
      <dd>
        {tls.ok === null
          ? 'not measured'
          : tls.ok
            ? 'Yes, on every connection measured'
            : 'No: a connection used an older version'}
      </dd>
    </dl>
  );
}
