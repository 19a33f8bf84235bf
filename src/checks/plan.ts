/** Which checks a quick check runs, from the settings. */

import { msg } from '../messages/catalog.ts';
import type { MediaMode } from '../protocol/relay-messages.ts';
import type { Settings } from '../protocol/settings.ts';
import { checkHttps } from './https-reachability.ts';
import { type MediaOptions, mediaCheckLimitMs, SECURE_MEDIA } from './media/secure-media.ts';
import { limitsFrom } from './media/thresholds.ts';
import { BINDING_CHECK_LIMIT_MS, NAT_BINDING } from './nat-binding/binding-lifetime.ts';
import { checkPortMatrix, PORT_MATRIX, type PortMatrixContext } from './ports/port-matrix.ts';
import { checkRelayHttps, RELAY_HTTPS } from './relay-https.ts';
import { checkRelayWss, RELAY_WSS } from './relay-wss.ts';
import type { PlannedCheck } from './runner.ts';
import type { CheckResult } from './types.ts';
import { titleOf } from './words.ts';

/** Runs the media loopback wherever this browser can do WebRTC (offscreen document, background page). */
export type MediaRunner = (relayUrl: string, mode: MediaMode, options: MediaOptions) => Promise<CheckResult>;

/** Runs the NAT binding lifetime measurement wherever this browser can do WebRTC. */
export type BindingRunner = (relayUrl: string) => Promise<CheckResult>;

/** Media duration and quality limits from the settings (which policy may have set). */
export function mediaOptionsFrom(settings: Settings, mode: MediaMode): MediaOptions {
  const seconds = mode === 'extended' ? settings.extendedDurationS : settings.quickDurationS;
  return { durationMs: seconds * 1000, limits: limitsFrom(settings.thresholds), profile: settings.profile };
}

export function quickCheckPlan(
  settings: Settings,
  ctx: PortMatrixContext,
  media: MediaRunner,
  mode: MediaMode = 'quick',
  binding?: BindingRunner,
): PlannedCheck[] {
  const mediaOptions = mediaOptionsFrom(settings, mode);
  // Minutes of idle gaps: only the extended check, which the user started to take its time, measures them.
  const lifetime: PlannedCheck[] =
    mode === 'extended' && binding
      ? [{ ...NAT_BINDING, run: () => binding(settings.relayUrl), limitMs: BINDING_CHECK_LIMIT_MS }]
      : [];
  return [
    { ...RELAY_HTTPS, run: () => checkRelayHttps(settings.relayUrl, ctx) },
    { ...RELAY_WSS, run: () => checkRelayWss(settings.relayUrl, ctx) },
    ...settings.targets.map((url, i) => {
      const target = {
        id: `https-target-${i + 1}`,
        ...titleOf(msg('title_https_target', new URL(url).host)),
      };
      return { ...target, run: () => checkHttps({ ...target, url }, ctx) };
    }),
    {
      ...SECURE_MEDIA,
      run: () => media(settings.relayUrl, mode, mediaOptions),
      limitMs: mediaCheckLimitMs(mediaOptions.durationMs),
    },
    { ...PORT_MATRIX, run: () => checkPortMatrix(settings.relayUrl, settings.profile, ctx) },
    ...lifetime,
  ];
}
