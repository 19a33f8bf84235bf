/**
 * Chrome's offscreen document, where the Chrome build runs WebRTC. Only one offscreen document may exist, and
 * a message sent while it is still loading finds no listener, so every caller waits on the same creation.
 */
import type { OffscreenApi } from './browser-api.ts';

const OFFSCREEN_PATH = 'offscreen/offscreen.html';
let ready: Promise<void> | null = null;

async function create(api: OffscreenApi): Promise<void> {
  if (await api.exists(OFFSCREEN_PATH)) return;
  await api.create(
    OFFSCREEN_PATH,
    'Runs the WebRTC audio loopback and UDP port probes that test secure media to the relay.',
  );
}

export function ensureOffscreen(api: OffscreenApi): Promise<void> {
  ready ??= create(api).catch((err: unknown) => {
    ready = null;
    throw err;
  });
  return ready;
}

/** Sends to the offscreen document, recreating it once if it went away (Chrome may close it). */
export async function askOffscreen(api: OffscreenApi, send: () => Promise<unknown>): Promise<unknown> {
  await ensureOffscreen(api);
  try {
    return await send();
  } catch (err) {
    if (!String(err).includes('Receiving end does not exist')) throw err;
    ready = null;
    await ensureOffscreen(api);
    return send();
  }
}
