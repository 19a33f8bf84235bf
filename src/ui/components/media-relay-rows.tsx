import { t } from '../../platform/i18n.ts';
import type { RegionsReport } from '../../protocol/report.ts';

/**
 * When relays were compared, the popup's media figures say which relay they came from (the configured one,
 * by its name in the list or its host) and which relay the comparison recommends, so a user never reads
 * one relay's figures as another's.
 */
export function MediaRelayRows({ regions }: { regions: RegionsReport }) {
  const own = regions.relays.find((r) => r.primary);
  const best = regions.relays.find((r) => r.url === regions.recommended);
  return (
    <>
      {own ? (
        <>
          <dt>{t('media_relay')}</dt>
          <dd data-field="relay">{own.name}</dd>
        </>
      ) : null}
      <dt>{t('media_recommended_relay')}</dt>
      <dd data-field="recommended-relay">
        {best
          ? best.primary
            ? t('media_recommended_this', best.name)
            : best.name
          : t('media_recommended_none')}
      </dd>
    </>
  );
}
