import { useEffect, useState } from 'preact/hooks';
import { type Confirmations, evaluateChecklist } from '../src/checklist/evaluate.ts';
import type { CheckResult } from '../src/checks/types.ts';
import { t } from '../src/platform/i18n.ts';
import type { RunState } from '../src/protocol/runtime-messages.ts';
import type { ExtensionActions } from '../src/ui/actions.ts';
import { messageLocale } from '../src/ui/check-text.ts';
import { CheckRow } from '../src/ui/components/check-row.tsx';
import { MediaFlowingRow } from '../src/ui/components/media-flowing-row.tsx';
import { MediaSummary } from '../src/ui/components/media-summary.tsx';
import { RelayAccessNote } from '../src/ui/components/relay-access-note.tsx';
import { VerdictBanner } from '../src/ui/components/verdict-banner.tsx';

/**
 * The popup: on open it starts a quick check (or shows the one running), then the verdict and the checks.
 * The status region exists from the first render so screen readers announce progress.
 */
export function App({ actions, autoRun = true }: { actions: ExtensionActions; autoRun?: boolean }) {
  const [state, setState] = useState<RunState | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmations, setConfirmations] = useState<Confirmations | null>(null);
  // The run this popup starts on open, until it shows up in the state: the report stored before (its id
  // here, null for none) is the previous result meanwhile, never announced as this check's verdict.
  const [startingAfter, setStartingAfter] = useState<{ runId: string | null } | null>(null);

  useEffect(() => {
    // The page's language is the messages' language, so screen readers pronounce it right.
    document.documentElement.lang = messageLocale();
  }, []);

  useEffect(() => {
    actions.getConfirmations().then(setConfirmations, () => setConfirmations({}));
  }, [actions]);

  useEffect(() => {
    const unsubscribe = actions.subscribe(setState);
    actions
      .getState()
      .then((s) => {
        setState(s);
        if (!autoRun || s.status === 'running') return;
        setStartingAfter({ runId: s.last?.runId ?? null });
        return actions.runCheck('quick').catch((e: unknown) => {
          setStartingAfter(null);
          throw e;
        });
      })
      .catch((e: unknown) => setProblem(String(e instanceof Error ? e.message : e)));
    return unsubscribe;
  }, [actions, autoRun]);

  const starting =
    state !== null &&
    startingAfter !== null &&
    state.status !== 'running' &&
    (state.last?.runId ?? null) === startingAfter.runId;
  const running = state?.status === 'running' || starting;
  const checks: CheckResult[] = running ? (state?.progress ?? []) : (state?.last?.checks ?? []);
  const mediaFlowing =
    running && state?.mediaFlowingMs != null && !checks.some((c) => c.id === 'secure-media');
  const run = (mode: 'quick' | 'extended') => () =>
    actions.runCheck(mode).catch((e: unknown) => setProblem(String(e)));
  const open = (path: string) => () => actions.openPage(path).catch((e: unknown) => setProblem(String(e)));
  const checklist = confirmations && state ? evaluateChecklist(state.last, confirmations, Date.now()) : null;

  return (
    <main class="popup">
      <header>
        <h1>{t('extName')}</h1>
      </header>
      <p class="status" role="status" data-running={running ? 'true' : 'false'}>
        {state === null
          ? t('common_loading')
          : running
            ? t('popup_checking_progress', checks.filter((c) => !c.partial).length)
            : state.last
              ? t('popup_check_complete')
              : ''}
      </p>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      {state?.last ? <VerdictBanner report={state.last} now={Date.now()} previous={running} /> : null}
      {!running && state?.last?.media ? (
        <MediaSummary media={state.last.media} regions={state.last.regions} />
      ) : null}
      {state?.last ? <RelayAccessNote relayUrl={state.last.relayUrl} actions={actions} /> : null}
      <ul class="checks" aria-label={t('popup_results')}>
        {checks.map((c) => (
          <CheckRow key={c.id} check={c} />
        ))}
        {mediaFlowing ? <MediaFlowingRow /> : null}
      </ul>
      <footer>
        <button type="button" onClick={run('quick')} disabled={running}>
          {running ? t('popup_checking') : t('popup_run_again')}
        </button>{' '}
        <button type="button" onClick={run('extended')} disabled={running}>
          {t('popup_extended')}
        </button>
        <p class="popup-links">
          {checklist ? (
            <button type="button" class="link-button" onClick={open('report/report.html#checklist')}>
              {t('popup_checklist', checklist.done, checklist.total)}
            </button>
          ) : null}
          <button type="button" class="link-button" onClick={open('report/report.html')}>
            {t('popup_full_report')}
          </button>
          <button type="button" class="link-button" onClick={open('device/device.html')}>
            {t('device_link')}
          </button>
        </p>
      </footer>
    </main>
  );
}
