/**
 * Where the media loopback runs. Chrome's service worker has no RTCPeerConnection, so Chrome runs it in an
 * offscreen document (reason WEB_RTC); Firefox's background page has WebRTC and runs it in place.
 */
import 'webrtc-adapter';
import * as v from 'valibot';
import { webAudioTone } from '../checks/media/media-context.ts';
import { checkSecureMedia } from '../checks/media/secure-media.ts';
import type { MediaRunner } from '../checks/plan.ts';
import type { CheckResult } from '../checks/types.ts';
import { type Browser, TARGET } from '../platform/browser.ts';
import { ensureOffscreen } from '../platform/offscreen.ts';
import { CheckResultSchema } from '../protocol/report.ts';
import type { OffscreenRequest } from '../protocol/runtime-messages.ts';

export function createMediaRunner(api: Browser): MediaRunner {
  if (TARGET === 'chrome') {
    return async (relayUrl, mode): Promise<CheckResult> => {
      await ensureOffscreen();
      const req: OffscreenRequest = { target: 'offscreen', type: 'runMedia', relayUrl, mode };
      const reply = await api.runtime.sendMessage(req);
      const parsed = v.safeParse(CheckResultSchema, reply);
      if (!parsed.success) throw new Error('the offscreen document returned no media result');
      return parsed.output as CheckResult;
    };
  }
  return (relayUrl, mode) =>
    checkSecureMedia(relayUrl, mode, {
      RTCPeerConnection: globalThis.RTCPeerConnection,
      WebSocket: globalThis.WebSocket,
      now: () => performance.now(),
      createTone: webAudioTone(globalThis.AudioContext),
    });
}
