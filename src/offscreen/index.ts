/**
 * Chrome's offscreen document: the one place in the Chrome build with RTCPeerConnection and WebAudio. It runs
 * the media loopback and the UDP port probes when the background asks. During media it reports a sample each
 * second, which also keeps the service worker alive through an extended check.
 */
import 'webrtc-adapter';
import * as v from 'valibot';
import { stepError } from '../checks/error-text.ts';
import { webAudioTone } from '../checks/media/media-context.ts';
import { checkSecureMedia } from '../checks/media/secure-media.ts';
import { checkBindingLifetime } from '../checks/nat-binding/binding-lifetime.ts';
import { runIceProbes, sharedSocketProbe } from '../checks/ports/ice-probe.ts';
import { getBrowser, type Runtime } from '../platform/browser.ts';
import { OffscreenRequest } from '../protocol/runtime-messages.ts';

const api = getBrowser();
const now = () => performance.now();

/** Jobs the background may stop (`cancel`), by the id it gave them; each leaves the map when it ends. */
const running = new Map<string, AbortController>();

function run(req: Exclude<OffscreenRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<unknown> {
  if (req.type === 'runBindingLifetime') {
    return checkBindingLifetime(req.relayUrl, {
      RTCPeerConnection: globalThis.RTCPeerConnection,
      WebSocket: globalThis.WebSocket,
      now,
      browser: 'chrome',
      signal,
    });
  }
  if (req.type === 'runIceProbes') {
    return req.shared
      ? sharedSocketProbe(globalThis.RTCPeerConnection, req.targets, req, req.timeoutMs, now)
      : runIceProbes(globalThis.RTCPeerConnection, req.targets, req, req.timeoutMs, now);
  }
  return checkSecureMedia(
    req.relayUrl,
    req.mode,
    {
      RTCPeerConnection: globalThis.RTCPeerConnection,
      WebSocket: globalThis.WebSocket,
      now,
      createTone: webAudioTone(globalThis.AudioContext),
      onSample: (s) => {
        void api.runtime.sendMessage({ type: 'mediaSample', t: s.t }).catch(() => undefined);
      },
      onFirstEcho: (firstEchoMs) => {
        void api.runtime.sendMessage({ type: 'mediaFlowing', firstEchoMs }).catch(() => undefined);
      },
      signal,
    },
    {
      durationMs: req.durationMs,
      limits: req.limits,
      profile: req.profile,
      ...(req.bothFamilies ? { bothFamilies: true } : {}),
    },
  );
}

api.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const parsed = v.safeParse(OffscreenRequest, raw);
  if (!parsed.success) return undefined; // not for us: the background answers its own messages
  if (sender.id !== api.runtime.id) return Promise.resolve({ error: 'forbidden-sender' });
  const req = parsed.output;
  if (req.type === 'cancel') {
    running.get(req.cancelId)?.abort(new Error('the run stopped waiting for this check'));
    return Promise.resolve({ cancelled: true });
  }
  const stop = new AbortController();
  const cancelId = req.type === 'runIceProbes' ? undefined : req.cancelId;
  if (cancelId) running.set(cancelId, stop);
  // Chrome passes on only a real Error's message; anything else thrown (a DOMException from a WebRTC call)
  // would reach the report as "A runtime.onMessage listener's promise rejected without an Error".
  return Promise.resolve()
    .then(() => run(req, stop.signal))
    .finally(() => {
      if (cancelId) running.delete(cancelId);
    })
    .catch((err: unknown) => {
      throw stepError(
        req.type === 'runMedia'
          ? 'secure media (offscreen document)'
          : req.type === 'runBindingLifetime'
            ? 'NAT binding lifetime (offscreen document)'
            : 'UDP port probes (offscreen document)',
        err,
      );
    });
});
