import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Confirmations, evaluateChecklist } from '../src/checklist/evaluate.ts';
import type { Report } from '../src/protocol/report.ts';
import type { RunState } from '../src/protocol/runtime-messages.ts';
import { portMatrixOf } from '../src/report-text/port-rows.ts';
import { renderText } from '../src/report-text/render-text.ts';
import { shareFileName } from '../src/share/prepare-share.ts';
import type { SharedRecord } from '../src/share/shared-record.ts';
import type { ReportActions } from '../src/ui/actions.ts';
import { CheckRow } from '../src/ui/components/check-row.tsx';
import { ChecklistView } from '../src/ui/components/checklist-view.tsx';
import { HistoryList } from '../src/ui/components/history-list.tsx';
import { MediaDetails } from '../src/ui/components/media-details.tsx';
import { NatDetails } from '../src/ui/components/nat-details.tsx';
import { PortMatrixTable } from '../src/ui/components/port-matrix-table.tsx';
import { SharePanel } from '../src/ui/components/share-panel.tsx';
import { TlsDetails } from '../src/ui/components/tls-details.tsx';
import { VerdictBanner } from '../src/ui/components/verdict-banner.tsx';
import { isoDay } from '../src/ui/format.ts';
import type { Route } from './route.ts';

/** Evidence that has its own section on this page, left out of the check rows so it is not shown twice. */
const SHOWN_ELSEWHERE: Record<string, readonly string[]> = {
  'port-matrix': ['ports', 'rows', 'remediation'],
  'secure-media': ['media'],
};

export function reportFileName(report: Report): string {
  return `secure-voice-check-${isoDay(report.finishedAt)}-${report.verdict}.json`;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="report-section" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

const NotMeasured = () => <p class="hint">Not measured in this check.</p>;

export interface ReportAppProps {
  actions: ReportActions;
  route: Route;
  now?: () => number;
  /** Checklist item id → days until a periodic item is due again (settings override; items have defaults). */
  repeatDays?: Record<string, number>;
}

/**
 * The full report: everything the shown run measured, ways to get it out of the browser (text for a ticket,
 * the JSON the command line prints), the security checklist against the latest run, and the run history.
 */
export function ReportApp({ actions, route, now = Date.now, repeatDays }: ReportAppProps) {
  const [state, setState] = useState<RunState | null>(null);
  const [history, setHistory] = useState<Report[] | null>(null);
  const [confirmations, setConfirmations] = useState<Confirmations | null>(null);
  const [shared, setShared] = useState<SharedRecord[]>([]);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const reportTop = useRef<HTMLDivElement>(null);
  const checklistTitle = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const fail = (e: unknown) => setProblem(errorText(e));
    const unsubscribe = [
      actions.subscribe(setState),
      actions.subscribeHistory(setHistory),
      actions.subscribeConfirmations(setConfirmations),
      actions.subscribeShared(setShared),
    ];
    // Past share codes are a convenience: without them the page still works.
    actions.getShared().then(setShared, () => undefined);
    actions.getState().then(setState, (e: unknown) => {
      // The history still shows the last runs when the background cannot answer.
      setState({ status: 'idle', runId: null, startedAt: null, progress: [], last: null });
      fail(e);
    });
    actions.getHistory().then(setHistory, (e: unknown) => {
      setHistory([]);
      fail(e);
    });
    actions.getConfirmations().then(setConfirmations, (e: unknown) => {
      setConfirmations({});
      fail(e);
    });
    return () => {
      for (const u of unsubscribe) u();
    };
  }, [actions]);

  const loaded = state !== null && history !== null && confirmations !== null;
  const latest = state?.last ?? history?.[0] ?? null;
  const requested = route.runId
    ? (history?.find((r) => r.runId === route.runId) ?? (latest?.runId === route.runId ? latest : null))
    : null;
  const report = requested ?? latest;
  const older = requested !== null && requested.runId !== latest?.runId;

  // Focus follows the user's navigation (a history link, the popup's checklist link), never status updates.
  useEffect(() => {
    if (!loaded) return;
    if (route.section === 'checklist') {
      checklistTitle.current?.scrollIntoView?.();
      checklistTitle.current?.focus({ preventScroll: true });
    } else if (route.runId) {
      reportTop.current?.scrollIntoView?.();
      reportTop.current?.focus({ preventScroll: true });
    }
  }, [loaded, route.runId, route.section]);

  if (!loaded) {
    return (
      <main class="report-page">
        <h1>Secure Voice Check report</h1>
        <p class="status" role="status">
          Loading…
        </p>
      </main>
    );
  }

  const checklist = evaluateChecklist(latest, confirmations, now(), repeatDays);
  const copy = (text: string, what: string) =>
    actions.copyText(text).then(
      () => setMessage(`Copied ${what} to the clipboard.`),
      (e: unknown) => setMessage(`Could not copy: ${errorText(e)}`),
    );
  const save = (name: string, content: string) => {
    try {
      actions.download(name, content, 'application/json');
      setMessage(`Downloading ${name}.`);
    } catch (e) {
      setMessage(`Could not download: ${errorText(e)}`);
    }
  };
  const download = (r: Report) => save(reportFileName(r), JSON.stringify(r, null, 2));
  const toggle = (itemId: string, done: boolean) =>
    actions
      .setConfirmation(itemId, done ? new Date(now()).toISOString() : null)
      .then(setConfirmations, (e: unknown) => setProblem(`Not saved: ${errorText(e)}`));

  return (
    <main class="report-page">
      <header class="page-header">
        <h1>Secure Voice Check report</h1>
        <p class="status" role="status">
          {message}
        </p>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
      </header>
      <div class="report-layout">
        <div class="report-main">
          {route.runId && !requested ? (
            <p class="notice">
              That check is no longer in the history (only the last 20 are kept). Showing the latest one.
            </p>
          ) : null}
          {state.status === 'running' ? (
            <p class="notice">A check is running; this page shows its result when it finishes.</p>
          ) : null}
          {report ? (
            <ReportView
              report={report}
              older={older}
              now={now()}
              topRef={reportTop}
              onCopyText={() => copy(renderText(report), 'the report as text')}
              onCopyRemediation={(text) => copy(text, 'the remediation list')}
              onDownload={() => download(report)}
              share={
                <SharePanel
                  key={report.runId}
                  report={report}
                  loadSettings={() => actions.getShareSettings()}
                  send={(relayUrl, body) => actions.share(report.runId, relayUrl, body)}
                  download={(body) => save(shareFileName(report), body)}
                  copyText={(text) => actions.copyText(text)}
                  shared={shared.filter((r) => r.runId === report.runId)}
                />
              }
            />
          ) : (
            <div ref={reportTop} tabIndex={-1} class="focus-target">
              <p class="notice">
                No check has run yet. Click the Secure Voice Check button in the toolbar to run one.
              </p>
            </div>
          )}
          <section class="report-section" id="checklist" aria-labelledby="checklist-title">
            <h2 id="checklist-title" ref={checklistTitle} tabIndex={-1}>
              Security checklist
            </h2>
            <p class="checklist-count" data-field="checklist-count">
              {checklist.done} of {checklist.total} done. Measured items follow the latest check.
            </p>
            <ChecklistView items={checklist.items} confirmations={confirmations} onToggle={toggle} />
          </section>
        </div>
        <aside class="report-aside" aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          <p class="hint">
            The last {history.length === 1 ? 'run' : `${history.length} runs`}, newest first.
          </p>
          <HistoryList history={history} currentRunId={report?.runId ?? null} />
        </aside>
      </div>
    </main>
  );
}

function ReportView({
  report,
  older,
  now,
  topRef,
  onCopyText,
  onCopyRemediation,
  onDownload,
  share,
}: {
  report: Report;
  older: boolean;
  now: number;
  topRef: RefObject<HTMLDivElement | null>;
  onCopyText: () => void;
  onCopyRemediation: (text: string) => void;
  onDownload: () => void;
  /** The share section, between the report's actions and its details. */
  share: ComponentChildren;
}) {
  const matrix = portMatrixOf(report);
  return (
    <article class="report-view" data-run-id={report.runId} aria-label="Check result">
      <div ref={topRef} tabIndex={-1} class="focus-target">
        {older ? (
          <p class="notice">
            This is an earlier check. <a href="#latest">Show the latest check</a>
          </p>
        ) : null}
        <VerdictBanner report={report} now={now} />
      </div>
      <dl class="figures report-meta">
        <dt>Finished</dt>
        <dd>{new Date(report.finishedAt).toLocaleString()}</dd>
        <dt>Relay</dt>
        <dd>{report.relayUrl}</dd>
        <dt>Browser</dt>
        <dd>{report.browser}</dd>
        <dt>Extension</dt>
        <dd>{report.extensionVersion}</dd>
        <dt>Run id</dt>
        <dd>{report.runId}</dd>
      </dl>
      <p class="report-actions">
        <button type="button" onClick={onCopyText}>
          Copy as text
        </button>{' '}
        <button type="button" onClick={onDownload}>
          Download JSON
        </button>
      </p>
      {share}
      <Section id="checks" title="Checks">
        <ul class="checks">
          {report.checks.map((c) => (
            <CheckRow
              key={c.id}
              open
              check={{ ...c, data: withoutKeys(c.data, SHOWN_ELSEWHERE[c.id] ?? []) }}
            />
          ))}
        </ul>
      </Section>
      <Section id="ports" title="Firewall ports">
        {matrix ? <PortMatrixTable view={matrix} onCopyRemediation={onCopyRemediation} /> : <NotMeasured />}
      </Section>
      <Section id="media" title="Secure media">
        {report.media ? <MediaDetails media={report.media} /> : <NotMeasured />}
      </Section>
      <Section id="nat" title="NAT">
        {report.nat ? <NatDetails nat={report.nat} /> : <NotMeasured />}
      </Section>
      <Section id="tls" title="TLS">
        <TlsDetails tls={report.tls} />
      </Section>
    </article>
  );
}

function withoutKeys(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !keys.includes(k)));
}
