import { t } from '../../platform/i18n.ts';
import type { Report } from '../../protocol/report.ts';

type Seen = Report['tls']['https'];

const seen = (s: Seen) =>
  s
    ? s.cipher
      ? t('tls_version_cipher', s.version ?? t('tls_unknown_version'), s.cipher)
      : (s.version ?? t('tls_unknown_version'))
    : t('common_not_measured');

/** The TLS versions and ciphers the relay connections used; the provider needs TLS 1.2 or later. */
export function TlsDetails({ tls }: { tls: Report['tls'] }) {
  return (
    <dl class="figures">
      <dt>HTTPS</dt>
      <dd data-field="tls-https">{seen(tls.https)}</dd>
      <dt>WSS</dt>
      <dd data-field="tls-wss">{seen(tls.wss)}</dd>
      <dt>{t('tls_min_label')}</dt>
      <dd>{tls.ok === null ? t('common_not_measured') : tls.ok ? t('tls_ok') : t('tls_too_old')}</dd>
    </dl>
  );
}
