import { useRef, useState } from 'preact/hooks';
import type { CheckResult } from '../src/checks/types.ts';
import { renderMessage } from '../src/messages/render.ts';
import { t, UI } from '../src/platform/i18n.ts';
import { DEFAULT_PROFILE_ID, isProfileId, PROFILES, type ProfileId } from '../src/profiles/index.ts';
import type { Report } from '../src/protocol/report.ts';
import { shareFileName } from '../src/share/prepare-share.ts';
import type { ShareOutcome } from '../src/share/upload.ts';
import { CheckRow } from '../src/ui/components/check-row.tsx';
import { MediaDetails } from '../src/ui/components/media-details.tsx';
import { SharePanel } from '../src/ui/components/share-panel.tsx';
import { VerdictBanner } from '../src/ui/components/verdict-banner.tsx';
import { profileName } from '../src/ui/format.ts';
import { LEFT_OUT } from './web-check.ts';

/** What the landing page may ask of the browser; main.tsx passes the real ones, tests fakes. */
export interface WebActions {
  /**
   * Runs the web check for the chosen port profile; must be called from the click that starts it (audio may
   * only start then).
   */
  runCheck(onResult: (result: CheckResult) => void, profile: ProfileId): Promise<Report>;
  /** The relay the page came from: where the check runs and shares go. */
  relayUrl: string;
  share(relayUrl: string, body: string): Promise<ShareOutcome>;
  download(fileName: string, content: string, type: string): void;
  copyText(text: string): Promise<void>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The web version of the quick check on the relay's landing page: one button, the checks as they finish,
 * the verdict with the same rows as the extension, what the page could not check, and the same share flow.
 */
export function WebCheckApp({ actions, now = Date.now }: { actions: WebActions; now?: () => number }) {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<CheckResult[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [profile, setProfile] = useState<ProfileId>(DEFAULT_PROFILE_ID);
  const resultTop = useRef<HTMLDivElement>(null);

  const run = () => {
    setRunning(true);
    setProblem(null);
    setProgress([]);
    setStatus(t('web_checking_status'));
    // Called synchronously from the click: runCheck creates the audio context inside this user gesture.
    // A browser without WebRTC or WebAudio throws right here; that is reported like any failure.
    let started: Promise<Report>;
    try {
      started = actions.runCheck((r) => setProgress((p) => [...p, r]), profile);
    } catch (e) {
      started = Promise.reject(e);
    }
    started
      .then(
        (r) => {
          setReport(r);
          setStatus(t('web_complete'));
          // The result replaces the button's context: move focus there so it is read out.
          requestAnimationFrame(() => resultTop.current?.focus());
        },
        (e: unknown) => {
          setProblem(t('web_failed', errorText(e)));
          setStatus('');
        },
      )
      .finally(() => setRunning(false));
  };

  return (
    <div class="web-check">
      <p class="web-profile">
        <label for="web-profile">{t('web_profile')}</label>{' '}
        <select
          id="web-profile"
          value={profile}
          disabled={running}
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (isProfileId(id)) setProfile(id);
          }}
        >
          {PROFILES.map((p) => (
            <option key={p.id} value={p.id}>
              {profileName(p.id, p.name)}
            </option>
          ))}
        </select>
      </p>
      <p>
        <button type="button" onClick={run} disabled={running}>
          {running ? t('web_checking') : report ? t('web_run_again') : t('web_run')}
        </button>
      </p>
      <p class="status" role="status">
        {status}
      </p>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      {running && progress.length > 0 ? (
        <ul class="checks" aria-label={t('web_finished_so_far')}>
          {progress.map((c) => (
            <CheckRow key={c.id} check={c} />
          ))}
        </ul>
      ) : null}
      {report && !running ? (
        <article class="report-view" data-run-id={report.runId} aria-label={t('web_result')}>
          <div ref={resultTop} tabIndex={-1} class="focus-target">
            <VerdictBanner report={report} now={now()} />
          </div>
          <ul class="checks">
            {report.checks.map((c) => (
              <CheckRow key={c.id} check={c} />
            ))}
          </ul>
          {report.media ? (
            <details class="media-more">
              <summary>{t('web_media_figures')}</summary>
              <MediaDetails media={report.media} />
            </details>
          ) : null}
          <SharePanel
            key={report.runId}
            report={report}
            loadSettings={async () => ({
              relayUrl: actions.relayUrl,
              includeFullAddresses: false,
              fullAddressesLocked: false,
            })}
            send={(relayUrl, body) => actions.share(relayUrl, body)}
            download={(body) => actions.download(shareFileName(report), body, 'application/json')}
            copyText={(text) => actions.copyText(text)}
          />
        </article>
      ) : null}
      <h3 id="left-out-title">{t('web_left_out_title')}</h3>
      <ul class="left-out" aria-labelledby="left-out-title">
        {LEFT_OUT.map((item) => (
          <li key={item.key}>{renderMessage(item, UI)}</li>
        ))}
      </ul>
      <p>{t('web_use_extension')}</p>
    </div>
  );
}
