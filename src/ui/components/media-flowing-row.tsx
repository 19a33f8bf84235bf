import { t } from '../../platform/i18n.ts';

/**
 * The media check's row while it measures: encrypted audio already came back (the path works, the answer most
 * users wait for), the call-quality figures are still coming. Replaced by the check's own row when it ends.
 */
export function MediaFlowingRow() {
  return (
    <li class="check check-measuring" data-check-id="secure-media" data-status="measuring">
      <div class="check-line">
        <span class="check-icon" aria-hidden="true">
          …
        </span>
        <span class="check-title">{t('popup_media_flowing')}</span>
      </div>
    </li>
  );
}
