/**
 * Chrome's offscreen document: the one place in the Chrome build with RTCPeerConnection and WebAudio. It runs
 * the media loopback when the background asks, and reports a sample each second (which also keeps the
 * service worker alive during an extended check).
 */
import 'webrtc-adapter';
import * as v from 'valibot';
import { webAudioTone } from '../checks/media/media-context.ts';
import { checkSecureMedia } from '../checks/media/secure-media.ts';
import { getBrowser, type Runtime } from '../platform/browser.ts';
import { OffscreenRequest } from '../protocol/runtime-messages.ts';

const api = getBrowser();

api.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const parsed = v.safeParse(OffscreenRequest, raw);
  if (!parsed.success) return undefined; // not for us: the background answers its own messages
  if (sender.id !== api.runtime.id) return Promise.resolve({ error: 'forbidden-sender' });
  const { relayUrl, mode } = parsed.output;
  return checkSecureMedia(relayUrl, mode, {
    RTCPeerConnection: globalThis.RTCPeerConnection,
    WebSocket: globalThis.WebSocket,
    now: () => performance.now(),
    createTone: webAudioTone(globalThis.AudioContext),
    onSample: (s) => {
      void api.runtime.sendMessage({ type: 'mediaSample', t: s.t }).catch(() => undefined);
    },
  });
});
