/**
 * Chrome's offscreen document: the one place in the Chrome build with RTCPeerConnection and WebAudio. It runs
 * the media loopback and the UDP port probes when the background asks. During media it reports a sample each
 * second, which also keeps the service worker alive through an extended check.
 */
import 'webrtc-adapter';
import * as v from 'valibot';
import { webAudioTone } from '../checks/media/media-context.ts';
import { checkSecureMedia } from '../checks/media/secure-media.ts';
import { runIceProbes, sharedSocketProbe } from '../checks/ports/ice-probe.ts';
import { getBrowser, type Runtime } from '../platform/browser.ts';
import { OffscreenRequest } from '../protocol/runtime-messages.ts';

const api = getBrowser();
const now = () => performance.now();

api.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const parsed = v.safeParse(OffscreenRequest, raw);
  if (!parsed.success) return undefined; // not for us: the background answers its own messages
  if (sender.id !== api.runtime.id) return Promise.resolve({ error: 'forbidden-sender' });
  const req = parsed.output;
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
    },
    { durationMs: req.durationMs, limits: req.limits },
  );
});
