/** Which checks a quick check runs, from the settings. */

import { msg } from '../messages/catalog.ts';
import type { MediaMode } from '../protocol/relay-messages.ts';
import type { Settings } from '../protocol/settings.ts';
import { checkHttps } from './https-reachability.ts';
import { type MediaOptions, mediaCheckLimitMs, SECURE_MEDIA } from './media/secure-media.ts';
import { limitsFrom } from './media/thresholds.ts';
import { BINDING_CHECK_LIMIT_MS, NAT_BINDING } from './nat-binding/binding-lifetime.ts';
import { checkPortMatrix, PORT_MATRIX, type PortMatrixContext } from './ports/port-matrix.ts';
import { compareRelays, RELAY_COMPARISON } from './regions/compare-relays.ts';
import { relaysToCompare } from './regions/relay-list.ts';
import { checkRelayHttps, RELAY_HTTPS } from './relay-https.ts';
import { checkRelayWss, RELAY_WSS } from './relay-wss.ts';
import type { PlannedCheck } from './runner.ts';
import { TIMEOUTS } from './timeouts.ts';
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
  // The run's own media check samples both IP versions where the relay offers both (other-family.ts).
  const mediaOptions = { ...mediaOptionsFrom(settings, mode), bothFamilies: true };
  // Minutes of idle gaps: only the extended check, which the user started to take its time, measures them.
  const lifetime: PlannedCheck[] =
    mode === 'extended' && binding
      ? [{ ...NAT_BINDING, run: () => binding(settings.relayUrl), limitMs: BINDING_CHECK_LIMIT_MS }]
      : [];
  const https = once(() => checkRelayHttps(settings.relayUrl, ctx));
  const ownMedia = once(() => media(settings.relayUrl, mode, mediaOptions));
  const relays = relaysToCompare(settings.relayUrl, settings.relays);
  // Other relays (regions) are compared after the run's own media check, each with a quick sample.
  const quick = mediaOptionsFrom(settings, 'quick');
  const perRelayMs = 2 * TIMEOUTS.httpsMs + mediaCheckLimitMs(quick.durationMs);
  const comparison: PlannedCheck[] =
    relays.length > 0
      ? [
          {
            ...RELAY_COMPARISON,
            run: () =>
              compareRelays(
                relays,
                { https: settle(https()), media: settle(ownMedia()) },
                (url) => media(url, 'quick', quick),
                ctx,
              ),
            limitMs: mediaCheckLimitMs(mediaOptions.durationMs, true) + relays.length * perRelayMs,
          },
        ]
      : [];
  return [
    { ...RELAY_HTTPS, run: https },
    { ...RELAY_WSS, run: (partial) => checkRelayWss(settings.relayUrl, ctx, partial) },
    ...settings.targets.map((url, i) => {
      const target = {
        id: `https-target-${i + 1}`,
        ...titleOf(msg('title_https_target', new URL(url).host)),
      };
      return { ...target, run: () => checkHttps({ ...target, url }, ctx) };
    }),
    {
      ...SECURE_MEDIA,
      run: ownMedia,
      limitMs: mediaCheckLimitMs(mediaOptions.durationMs, true),
    },
    { ...PORT_MATRIX, run: () => checkPortMatrix(settings.relayUrl, settings.profile, ctx) },
    ...lifetime,
    ...comparison,
  ];
}

/** A run function that starts its work once, however many checks wait for it. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | null = null;
  return () => {
    started ??= run();
    return started;
  };
}

/** The result, or null when the work threw (its own check reports that). */
const settle = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
