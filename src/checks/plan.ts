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

/**
 * Runs the media loopback wherever this browser can do WebRTC (offscreen document, background page); stops it
 * and closes its session when `signal` is aborted.
 */
export type MediaRunner = (
  relayUrl: string,
  mode: MediaMode,
  options: MediaOptions,
  signal?: AbortSignal,
) => Promise<CheckResult>;

/** Runs the NAT binding lifetime measurement wherever this browser can do WebRTC; stops on `signal`. */
export type BindingRunner = (relayUrl: string, signal?: AbortSignal) => Promise<CheckResult>;

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
      ? [
          {
            ...NAT_BINDING,
            run: (_partial, signal) => binding(settings.relayUrl, signal),
            limitMs: BINDING_CHECK_LIMIT_MS,
          },
        ]
      : [];
  // Started once, by their own check, whose signal stops them; the comparison only waits for them.
  const https = once((signal?: AbortSignal) => checkRelayHttps(settings.relayUrl, { ...ctx, signal }));
  const ownMedia = once((signal?: AbortSignal) => media(settings.relayUrl, mode, mediaOptions, signal));
  const relays = relaysToCompare(settings.relayUrl, settings.relays);
  // Other relays (regions) are compared after the run's own media check, each with a quick sample.
  const quick = mediaOptionsFrom(settings, 'quick');
  const perRelayMs = 2 * TIMEOUTS.httpsMs + mediaCheckLimitMs(quick.durationMs);
  const comparison: PlannedCheck[] =
    relays.length > 0
      ? [
          {
            ...RELAY_COMPARISON,
            run: (_partial, signal) =>
              compareRelays(
                relays,
                { https: settle(https()), media: settle(ownMedia()) },
                (url) => media(url, 'quick', quick, signal),
                { ...ctx, signal },
              ),
            limitMs: mediaCheckLimitMs(mediaOptions.durationMs, true) + relays.length * perRelayMs,
          },
        ]
      : [];
  return [
    { ...RELAY_HTTPS, run: (_partial, signal) => https(signal) },
    {
      ...RELAY_WSS,
      run: (partial, signal) => checkRelayWss(settings.relayUrl, { ...ctx, signal }, partial),
    },
    ...settings.targets.map((url, i) => {
      const target = {
        id: `https-target-${i + 1}`,
        ...titleOf(msg('title_https_target', new URL(url).host)),
      };
      return {
        ...target,
        run: (_partial: unknown, signal: AbortSignal) => checkHttps({ ...target, url }, { ...ctx, signal }),
      };
    }),
    {
      ...SECURE_MEDIA,
      run: (_partial, signal) => ownMedia(signal),
      limitMs: mediaCheckLimitMs(mediaOptions.durationMs, true),
    },
    {
      ...PORT_MATRIX,
      run: (_partial, signal) => checkPortMatrix(settings.relayUrl, settings.profile, { ...ctx, signal }),
    },
    ...lifetime,
    ...comparison,
  ];
}

/** A run function that starts its work once, however many checks wait for it (the first one's signal). */
function once<T>(run: (signal?: AbortSignal) => Promise<T>): (signal?: AbortSignal) => Promise<T> {
  let started: Promise<T> | null = null;
  return (signal) => {
    started ??= run(signal);
    return started;
  };
}

/** The result, or null when the work threw (its own check reports that). */
const settle = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
