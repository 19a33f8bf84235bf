/** What the media check needs from its environment: browser constructors and a tone source, passed in. */
import type { MediaSample } from '../../protocol/report.ts';

export interface ToneSource {
  track: MediaStreamTrack;
  /** AudioContext state, as evidence: a suspended context sends silence. */
  state(): string;
  stop(): void;
}

export interface MediaContext {
  RTCPeerConnection: typeof RTCPeerConnection;
  WebSocket: typeof WebSocket;
  now: () => number;
  createTone: () => Promise<ToneSource>;
  /** Called about once a second while media flows (keeps an MV3 service worker awake, reports progress). */
  onSample?: (sample: MediaSample) => void;
  /** Called once, when the first encrypted audio comes back: the popup says so before the figures are in. */
  onFirstEcho?: (firstEchoMs: number) => void;
  /** Aborted when the run stops waiting for the check: the media session is closed at once. */
  signal?: AbortSignal;
}

export type { MediaSample } from '../../protocol/report.ts';

/** How long the tone may take to start before the check goes on without waiting for it. */
export const TONE_START_MS = 1500;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Whether the tone stayed silent: its AudioContext never ran (Firefox without an audio device keeps it
 * suspended). RTP still flows, carrying silence, so the encrypted path is measured all the same.
 */
export function toneSilent(state: string): boolean {
  return state !== 'running';
}

/** A WebAudio oscillator as the call's voice: no microphone, no permission prompt. */
export function webAudioTone(AudioContextCtor: typeof AudioContext): () => Promise<ToneSource> {
  return async () => toneOn(new AudioContextCtor());
}

/**
 * The tone on a context the caller made. A web page makes it in the click handler that starts the check:
 * browsers let an AudioContext run only when a user gesture started it (autoplay policy).
 */
export async function toneOn(ac: AudioContext): Promise<ToneSource> {
  const osc = ac.createOscillator();
  osc.frequency.value = 440;
  const dest = ac.createMediaStreamDestination();
  osc.connect(dest);
  osc.start();
  // Firefox without an audio output device leaves resume() pending for ever while the context stays
  // suspended: wait a bounded time, then go on and report the state (a suspended context sends silence).
  await Promise.race([ac.resume().catch(() => undefined), sleep(TONE_START_MS)]);
  const [track] = dest.stream.getAudioTracks();
  if (!track) throw new Error('the tone generator produced no audio track');
  return {
    track,
    state: () => ac.state,
    stop: () => {
      osc.stop();
      track.stop();
      void ac.close();
    },
  };
}
