/** Which checks a quick check runs, from the settings. */
import type { Settings } from '../protocol/settings.ts';
import type { CheckContext } from './context.ts';
import { checkHttps } from './https-reachability.ts';
import { checkRelayHttps, RELAY_HTTPS } from './relay-https.ts';
import { checkRelayWss, RELAY_WSS } from './relay-wss.ts';
import type { PlannedCheck } from './runner.ts';

export function quickCheckPlan(settings: Settings, ctx: CheckContext): PlannedCheck[] {
  return [
    { ...RELAY_HTTPS, run: () => checkRelayHttps(settings.relayUrl, ctx) },
    { ...RELAY_WSS, run: () => checkRelayWss(settings.relayUrl, ctx) },
    ...settings.targets.map((url, i) => {
      const target = { id: `https-target-${i + 1}`, title: `HTTPS to ${new URL(url).host}`, url };
      return { id: target.id, title: target.title, run: () => checkHttps(target, ctx) };
    }),
  ];
}
