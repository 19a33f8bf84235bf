/** The toolbar badge: the verdict in text and colour (never colour alone) and a title that says it in words. */

import type { PlainLabelKey } from '../messages/labels.ts';
import type { Browser } from '../platform/browser-api.ts';
import { t } from '../platform/i18n.ts';
import type { Verdict } from '../protocol/report.ts';

/**
 * The text stays the same in every language and is one glyph: at 16 px a wider badge ("OK") hid the whole icon
 * (seen in docs/screenshots/toolbar-*.png). The title is translated.
 */
const BADGE: Record<Verdict | 'running', { text: string; color: string; titleKey: PlainLabelKey }> = {
  running: { text: '…', color: '#4a5568', titleKey: 'badge_running' },
  ready: { text: '✓', color: '#1e7b34', titleKey: 'badge_ready' },
  degraded: { text: '!', color: '#9a5b00', titleKey: 'badge_degraded' },
  blocked: { text: '✕', color: '#b00020', titleKey: 'badge_blocked' },
  error: { text: '?', color: '#4a5568', titleKey: 'badge_error' },
};

export async function showBadge(api: Browser, state: Verdict | 'running'): Promise<void> {
  const b = BADGE[state];
  await Promise.all([
    api.action.setBadgeText({ text: b.text }),
    api.action.setBadgeBackgroundColor({ color: b.color }),
    api.action.setTitle({ title: t(b.titleKey) }),
  ]);
}
