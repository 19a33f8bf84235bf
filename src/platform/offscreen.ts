/**
 * Chrome's offscreen document API (Chrome only; not in webextension-polyfill's typings). Only one offscreen
 * document may exist, so concurrent callers share one creation.
 */
/// <reference types="chrome" />

const OFFSCREEN_PATH = 'offscreen/offscreen.html';
let creating: Promise<void> | null = null;

export async function ensureOffscreen(): Promise<void> {
  const url = chrome.runtime.getURL(OFFSCREEN_PATH);
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [url],
  });
  if (contexts.length > 0) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: [chrome.offscreen.Reason.WEB_RTC],
      justification: 'Runs the WebRTC audio loopback that tests secure (DTLS-SRTP) media to the relay.',
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}
