/**
 * The landing page's script (served by the relay under /web/, bundled by scripts/build.ts): mounts the web
 * check where the relay's page left room for it, with this page's own browser APIs.
 */
import 'webrtc-adapter';
import { render } from 'preact';
import { toneOn } from '../src/checks/media/media-context.ts';
import { LANGUAGES, languageTagOf } from '../src/messages/languages.ts';
import { setPageLanguage } from '../src/platform/i18n.ts';
import { uploadShare } from '../src/share/upload.ts';
import { type WebActions, WebCheckApp } from './app.tsx';
import { browserNameOf, runWebCheck } from './web-check.ts';

/** Revoking an object URL right after click() can cancel the download in Firefox; a minute is plenty. */
const REVOKE_AFTER_MS = 60_000;

const actions: WebActions = {
  relayUrl: location.origin,
  runCheck(onResult, profile) {
    // Made here, inside the click, so the autoplay policy lets it run; the media check starts the tone on it.
    const audio = new AudioContext();
    void audio.resume().catch(() => undefined);
    let toneUsed = false;
    return runWebCheck(
      {
        relayUrl: location.origin,
        fetch: (input, init) => fetch(input, init),
        WebSocket,
        RTCPeerConnection,
        now: () => performance.now(),
        createTone: () => {
          // One tone per run; a second media attempt would need a context of its own.
          if (toneUsed) return toneOn(new AudioContext());
          toneUsed = true;
          return toneOn(audio);
        },
        timingFor: (url) => performance.getEntriesByName(url).at(-1) as PerformanceResourceTiming | undefined,
        browserName: browserNameOf(navigator.userAgent),
        newRunId: () => crypto.randomUUID(),
        isoNow: () => new Date().toISOString(),
        profile,
      },
      onResult,
    ).finally(() => {
      if (!toneUsed) void audio.close();
      performance.clearResourceTimings();
    });
  },
  share: (relayUrl, body) => uploadShare((url, init) => fetch(url, init), relayUrl, body),
  download(fileName, content, type) {
    const url = URL.createObjectURL(new Blob([content], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  },
  copyText: (text) => navigator.clipboard.writeText(text),
};

// The relay wrote the page in the visitor's language (Accept-Language): the check speaks the same one.
setPageLanguage(LANGUAGES[languageTagOf(document.documentElement.lang)]);
const root = document.getElementById('web-check');
if (root) render(<WebCheckApp actions={actions} />, root);
