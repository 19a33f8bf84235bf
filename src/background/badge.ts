/** The toolbar badge: the verdict in text and colour (never colour alone) and a title that says it in words. */

import type { Browser } from '../platform/browser.ts';
import type { Verdict } from '../protocol/report.ts';

const BADGE: Record<Verdict | 'running', { text: string; color: string; title: string }> = {
  running: { text: '…', color: '#4a5568', title: 'Secure Voice Check: checking…' },
  ready: { text: 'OK', color: '#1e7b34', title: 'Secure Voice Check: ready for Secure Voice' },
  degraded: { text: '!', color: '#9a5b00', title: 'Secure Voice Check: calls may have problems' },
  blocked: { text: '✕', color: '#b00020', title: 'Secure Voice Check: blocked' },
  error: { text: '?', color: '#4a5568', title: 'Secure Voice Check: the check could not finish' },
};

export async function showBadge(api: Browser, state: Verdict | 'running'): Promise<void> {
  const b = BADGE[state];
  await Promise.all([
    api.action.setBadgeText({ text: b.text }),
    api.action.setBadgeBackgroundColor({ color: b.color }),
    api.action.setTitle({ title: b.title }),
  ]);
}
