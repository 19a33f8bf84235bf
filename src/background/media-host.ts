/**
 * Where WebRTC runs. Chrome's service worker has no RTCPeerConnection, so Chrome runs the media loopback and
 * the UDP port probes in an offscreen document (reason WEB_RTC); Firefox's background page has WebRTC and
 * runs them in place.
 */
import 'webrtc-adapter';
import * as v from 'valibot';
import { webAudioTone } from '../checks/media/media-context.ts';
import { checkSecureMedia } from '../checks/media/secure-media.ts';
import { checkBindingLifetime } from '../checks/nat-binding/binding-lifetime.ts';
import { runIceProbes, sharedSocketProbe } from '../checks/ports/ice-probe.ts';
import type { IceProbeBatch } from '../checks/ports/port-matrix.ts';
import type { CheckResult } from '../checks/types.ts';
import { type Browser, TARGET } from '../platform/browser.ts';
import type { OffscreenApi } from '../platform/browser-api.ts';
import { askOffscreen } from '../platform/offscreen.ts';
import { CheckResultSchema } from '../protocol/report.ts';
import { IceProbeBatchSchema, type OffscreenRequest } from '../protocol/runtime-messages.ts';
import type { WebRtcHost } from './webrtc-host.ts';

function viaOffscreen(api: Browser, offscreen: OffscreenApi): WebRtcHost {
  const ask = (req: OffscreenRequest): Promise<unknown> =>
    askOffscreen(offscreen, () => api.runtime.sendMessage(req));
  /** A job the run may stop: when `signal` aborts, the offscreen document is told to close its sessions. */
  const cancellable = (signal: AbortSignal | undefined, run: (cancelId: string) => Promise<unknown>) => {
    const cancelId = crypto.randomUUID();
    // Straight to the document: one that went away took its job with it, and is not made again to cancel.
    const cancel = () => {
      const req: OffscreenRequest = { target: 'offscreen', type: 'cancel', cancelId };
      void api.runtime.sendMessage(req).catch(() => undefined);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    return run(cancelId).finally(() => signal?.removeEventListener('abort', cancel));
  };
  return {
    async media(relayUrl, mode, options, signal): Promise<CheckResult> {
      const parsed = v.safeParse(
        CheckResultSchema,
        await cancellable(signal, (cancelId) =>
          ask({ target: 'offscreen', type: 'runMedia', relayUrl, mode, ...options, cancelId }),
        ),
      );
      if (!parsed.success) throw new Error('the offscreen document returned no media result');
      return parsed.output as CheckResult;
    },
    async iceProbes(targets, creds, timeoutMs): Promise<IceProbeBatch> {
      const reply = await ask({
        target: 'offscreen',
        type: 'runIceProbes',
        shared: false,
        targets,
        ufrag: creds.ufrag,
        pwd: creds.pwd,
        timeoutMs,
      });
      const parsed = v.safeParse(IceProbeBatchSchema, reply);
      if (!parsed.success) throw new Error('the offscreen document returned no probe results');
      return parsed.output;
    },
    async natProbe(targets, creds, timeoutMs) {
      const reply = await ask({
        target: 'offscreen',
        type: 'runIceProbes',
        shared: true,
        targets,
        ufrag: creds.ufrag,
        pwd: creds.pwd,
        timeoutMs,
      });
      const parsed = v.safeParse(v.object({ connected: v.boolean() }), reply);
      return parsed.success ? parsed.output : { connected: false };
    },
    async bindingLifetime(relayUrl, signal): Promise<CheckResult> {
      const parsed = v.safeParse(
        CheckResultSchema,
        await cancellable(signal, (cancelId) =>
          ask({ target: 'offscreen', type: 'runBindingLifetime', relayUrl, cancelId }),
        ),
      );
      if (!parsed.success) throw new Error('the offscreen document returned no NAT binding result');
      return parsed.output as CheckResult;
    },
  };
}

function inPlace(onFirstEcho: (firstEchoMs: number) => void): WebRtcHost {
  const now = () => performance.now();
  return {
    media: (relayUrl, mode, options, signal) =>
      checkSecureMedia(
        relayUrl,
        mode,
        {
          RTCPeerConnection: globalThis.RTCPeerConnection,
          WebSocket: globalThis.WebSocket,
          now,
          createTone: webAudioTone(globalThis.AudioContext),
          onFirstEcho,
          signal,
        },
        options,
      ),
    iceProbes: (targets, creds, timeoutMs) =>
      runIceProbes(globalThis.RTCPeerConnection, targets, creds, timeoutMs, now),
    natProbe: (targets, creds, timeoutMs) =>
      sharedSocketProbe(globalThis.RTCPeerConnection, targets, creds, timeoutMs, now),
    bindingLifetime: (relayUrl, signal) =>
      checkBindingLifetime(relayUrl, {
        RTCPeerConnection: globalThis.RTCPeerConnection,
        WebSocket: globalThis.WebSocket,
        now,
        browser: TARGET,
        signal,
      }),
  };
}

/**
 * `onFirstEcho` hears the media check's first echo where it runs in place (Firefox); the offscreen document
 * says it with a `mediaFlowing` message instead, which the background hands to the same place.
 */
export function createWebRtcHost(api: Browser, onFirstEcho: (firstEchoMs: number) => void): WebRtcHost {
  return TARGET === 'chrome' && api.offscreen ? viaOffscreen(api, api.offscreen) : inPlace(onFirstEcho);
}
