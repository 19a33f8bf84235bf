import { useEffect, useRef, useState } from 'preact/hooks';
import { levelMessage, problemMessage } from '../src/device/device-text.ts';
import type { HeadsetProgress, HeadsetRecording } from '../src/device/headset-check.ts';
import { meterFraction } from '../src/device/levels.ts';
import { errorDetail, type MicProblem, micProblem } from '../src/device/mic-error.ts';
import { PERMISSION_WAIT_MS } from '../src/device/microphone.ts';
import { RECORD_MS } from '../src/device/recording.ts';
import type { Message } from '../src/messages/message.ts';
import { t } from '../src/platform/i18n.ts';
import { messageLocale, say } from '../src/ui/check-text.ts';

/** Playback ends by itself; if the browser never says so, the page stops waiting after this long. */
const PLAYBACK_SPARE_MS = 5000;

type View =
  | { kind: 'idle' }
  | { kind: 'running'; progress: HeadsetProgress; meter: number }
  | { kind: 'done'; recording: HeadsetRecording; url: string }
  | { kind: 'failed'; problem: MicProblem; message: Message };

/**
 * The headset check page: one click asks for the microphone (the only place the extension does), records a
 * few seconds with a live meter, says whether the microphone was heard, and plays the recording back.
 */
export function DeviceApp({
  check,
}: {
  check: (onProgress: (p: HeadsetProgress) => void) => Promise<HeadsetRecording>;
}) {
  const [view, setView] = useState<View>({ kind: 'idle' });
  const [playback, setPlayback] = useState<'none' | 'playing' | 'played'>('none');
  const audio = useRef<HTMLAudioElement>(null);
  const url = view.kind === 'done' ? view.url : null;

  useEffect(() => {
    document.documentElement.lang = messageLocale();
    document.title = t('device_title');
  }, []);
  // The recording lives as long as it is shown: a new one, or leaving the page, frees it.
  useEffect(() => (url ? () => URL.revokeObjectURL(url) : undefined), [url]);

  const start = () => {
    setPlayback('none');
    let meter = 0;
    let progress: HeadsetProgress = { step: 'asking' };
    setView({ kind: 'running', progress, meter });
    check((p) => {
      if (p.step === 'level') meter = meterFraction(p.level.rmsDb);
      else progress = p;
      setView({ kind: 'running', progress, meter });
    }).then(
      (recording) => setView({ kind: 'done', recording, url: URL.createObjectURL(recording.audio) }),
      (e: unknown) => {
        const problem = micProblem(e);
        setView({
          kind: 'failed',
          problem,
          message: problemMessage(problem, errorDetail(e), PERMISSION_WAIT_MS / 1000),
        });
      },
    );
  };

  const play = () => {
    const el = audio.current;
    if (!el) return;
    setPlayback('playing');
    const timer = setTimeout(() => {
      el.pause();
      setPlayback('played');
    }, RECORD_MS + PLAYBACK_SPARE_MS);
    el.onended = () => {
      clearTimeout(timer);
      setPlayback('played');
    };
    el.currentTime = 0;
    el.play().catch((e: unknown) => {
      clearTimeout(timer);
      setPlayback('none');
      setView({
        kind: 'failed',
        problem: 'recording',
        message: problemMessage('recording', errorDetail(e), 0),
      });
    });
  };

  const running = view.kind === 'running';
  return (
    <main class="device-page" data-device-state={view.kind}>
      <h1>{t('device_title')}</h1>
      <p>{t('device_intro')}</p>
      <p class="hint" data-field="device-private">
        {t('device_private')}
      </p>
      {view.kind === 'failed' ? (
        <p class="problem" role="alert" data-problem={view.problem}>
          {say(view.message)}
        </p>
      ) : null}
      {view.kind === 'done' ? (
        <section class="device-result" aria-labelledby="device-result-title">
          <h2 id="device-result-title">{t('device_result')}</h2>
          <p
            class={`device-verdict tone-${view.recording.level.verdict === 'ok' ? 'pass' : 'warn'}`}
            data-level-verdict={view.recording.level.verdict}
            data-measured-from={view.recording.measuredFrom}
          >
            {say(levelMessage(view.recording.level))}
          </p>
          {/* biome-ignore lint/a11y/useMediaCaption: the user's own voice, just recorded; there is nothing to caption. */}
          <audio ref={audio} src={view.url} preload="auto" />
          <p class="report-actions">
            <button type="button" onClick={play} disabled={playback === 'playing'}>
              {t('device_play')}
            </button>
          </p>
        </section>
      ) : null}
      <p class="status" role="status">
        {running
          ? progressText(view.progress)
          : playback === 'playing'
            ? t('device_playing')
            : playback === 'played'
              ? t('device_played')
              : ''}
      </p>
      {running && view.progress.step === 'recording' ? (
        <meter class="level-meter" min={0} max={1} value={view.meter} aria-label={t('device_meter')} />
      ) : null}
      <p class="report-actions">
        <button type="button" onClick={start} disabled={running}>
          {view.kind === 'done' ? t('device_again') : t('device_start')}
        </button>
      </p>
    </main>
  );
}

function progressText(p: HeadsetProgress): string {
  switch (p.step) {
    case 'asking':
      return t('device_asking');
    case 'recording':
      return t('device_recording', p.secondsLeft);
    default:
      return t('device_analysing');
  }
}
