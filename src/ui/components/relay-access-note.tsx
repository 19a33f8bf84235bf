/**
 * Says plainly when the extension cannot name the cause of a failure (it has no access to the relay's host,
 * so the browser keeps the reason to itself) and offers the one click that grants it.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../platform/i18n.ts';
import { hostOf } from '../../platform/permissions.ts';
import type { ExtensionActions } from '../actions.ts';

export function RelayAccessNote(props: { relayUrl: string; actions: ExtensionActions }) {
  const { relayUrl, actions } = props;
  const [granted, setGranted] = useState<boolean | null>(null);

  useEffect(() => {
    if (!actions.hasAccess) return;
    let live = true;
    const look = () =>
      void actions.hasAccess?.(relayUrl).then((g) => {
        if (live) setGranted(g);
      });
    look();
    const unsubscribe = actions.subscribeAccess?.(look);
    return () => {
      live = false;
      unsubscribe?.();
    };
  }, [actions, relayUrl]);

  if (granted !== false) return null;
  let host: string;
  try {
    host = hostOf(relayUrl);
  } catch {
    return null;
  }
  // Not async: Firefox honours the click's user gesture only while the handler runs.
  const grant = () => {
    void actions.requestAccess?.(relayUrl).then(setGranted);
  };
  return (
    <p class="relay-access" data-access="missing">
      {t('popup_no_access', host)}{' '}
      <button type="button" onClick={grant}>
        {t('options_grant_access')}
      </button>
    </p>
  );
}
