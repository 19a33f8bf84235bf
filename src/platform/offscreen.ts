/**
 * Chrome's offscreen document API (Chrome only; not in webextension-polyfill's typings). Only one offscreen
 * document may exist, and a message sent while it is still loading finds no listener, so every caller waits
 * on the same creation.
 */
/// <reference types="chrome" />

const OFFSCREEN_PATH = 'offscreen/offscreen.html';
let ready: Promise<void> | null = null;

async function create(): Promise<void> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  if (contexts.length > 0) return;
  await chrome.offscreen.createDocument({
    url: OFFSCREEN_PATH,
    reasons: [chrome.offscreen.Reason.WEB_RTC],
    justification: 'Runs the WebRTC audio loopback and UDP port probes that test secure media to the relay.',
  });
}

export function ensureOffscreen(): Promise<void> {
  ready ??= create().catch((err: unknown) => {
    ready = null;
    throw err;
  });
  return ready;
}

/** Sends to the offscreen document, recreating it once if it went away (Chrome may close it). */
export async function askOffscreen(send: () => Promise<unknown>): Promise<unknown> {
  await ensureOffscreen();
  try {
    return await send();
  } catch (err) {
    if (!String(err).includes('Receiving end does not exist')) throw err;
    ready = null;
    await ensureOffscreen();
    return send();
  }
}
