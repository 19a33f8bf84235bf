import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Confirmations, evaluateChecklist } from '../src/checklist/evaluate.ts';
import type { PlainLabelKey } from '../src/messages/labels.ts';
import { t } from '../src/platform/i18n.ts';
import type { Report } from '../src/protocol/report.ts';
import type { RunState } from '../src/protocol/runtime-messages.ts';
import { ipv6PortsOf } from '../src/report-text/ipv6-ports.ts';
import { portMatrixOf } from '../src/report-text/port-rows.ts';
import { renderText } from '../src/report-text/render-text.ts';
import { shareFileName } from '../src/share/prepare-share.ts';
import type { SharedRecord } from '../src/share/shared-record.ts';
import type { ReportActions } from '../src/ui/actions.ts';
import { HistoryTimeline } from '../src/ui/charts/history-timeline.tsx';
import { localDateTime, messageLocale } from '../src/ui/check-text.ts';
import { CheckRow } from '../src/ui/components/check-row.tsx';
import { ChecklistView } from '../src/ui/components/checklist-view.tsx';
import { HistoryList } from '../src/ui/components/history-list.tsx';
import { Ipv6PortsTable } from '../src/ui/components/ipv6-ports-table.tsx';
import { MediaDetails } from '../src/ui/components/media-details.tsx';
import { NatDetails } from '../src/ui/components/nat-details.tsx';
import { PortMatrixTable } from '../src/ui/components/port-matrix-table.tsx';
import { RelayTable } from '../src/ui/components/relay-table.tsx';
import { SharePanel } from '../src/ui/components/share-panel.tsx';
import { TlsDetails } from '../src/ui/components/tls-details.tsx';
import { VerdictBanner } from '../src/ui/components/verdict-banner.tsx';
import { isoDay } from '../src/ui/format.ts';
import { historyCsv, historyFileName, historyJson } from '../src/ui/history-export.ts';
import type { Route } from './route.ts';

/** Evidence that has its own section on this page, left out of the check rows so it is not shown twice. */
const SHOWN_ELSEWHERE: Record<string, readonly string[]> = {
  'port-matrix': ['ports', 'rows', 'remediation', 'ipv6'],
  'secure-media': ['media'],
  'relay-comparison': ['relays', 'recommended', 'basis'],
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

const NotMeasured = () => <p class="hint">{t('report_not_measured')}</p>;

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
    // The page speaks the messages' language: its language tag and tab title follow them.
    document.documentElement.lang = messageLocale();
    document.title = t('report_title');
  }, []);

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
        <h1>{t('report_title')}</h1>
        <p class="status" role="status">
          {t('common_loading')}
        </p>
      </main>
    );
  }

  const checklist = evaluateChecklist(latest, confirmations, now(), repeatDays);
  /** `copiedKey`: the message saying what was copied. */
  const copy = (text: string, copiedKey: PlainLabelKey) =>
    actions.copyText(text).then(
      () => setMessage(t(copiedKey)),
      (e: unknown) => setMessage(t('report_copy_failed', errorText(e))),
    );
  const save = (name: string, content: string, type = 'application/json') => {
    try {
      actions.download(name, content, type);
      setMessage(t('report_downloading', name));
    } catch (e) {
      setMessage(t('report_download_failed', errorText(e)));
    }
  };
  const download = (r: Report) => save(reportFileName(r), JSON.stringify(r, null, 2));
  const exportHistory = (kind: 'csv' | 'json') => {
    const name = historyFileName(isoDay(new Date(now()).toISOString()), kind);
    if (kind === 'csv') save(name, historyCsv(history ?? []), 'text/csv');
    else save(name, historyJson(history ?? []));
  };
  const toggle = (itemId: string, done: boolean) =>
    actions
      .setConfirmation(itemId, done ? new Date(now()).toISOString() : null)
      .then(setConfirmations, (e: unknown) => setProblem(t('report_not_saved', errorText(e))));

  return (
    <main class="report-page">
      <header class="page-header">
        <h1>{t('report_title')}</h1>
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
          {route.runId && !requested ? <p class="notice">{t('report_run_gone')}</p> : null}
          {state.status === 'running' ? <p class="notice">{t('report_running')}</p> : null}
          {report ? (
            <ReportView
              report={report}
              older={older}
              now={now()}
              topRef={reportTop}
              onCopyText={() => copy(renderText(report), 'report_copied_text')}
              onCopyRemediation={(text) => copy(text, 'report_copied_remediation')}
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
              <p class="notice">{t('report_no_check')}</p>
            </div>
          )}
          <section class="report-section" id="checklist" aria-labelledby="checklist-title">
            <h2 id="checklist-title" ref={checklistTitle} tabIndex={-1}>
              {t('report_checklist_heading')}
            </h2>
            <p class="checklist-count" data-field="checklist-count">
              {t('report_checklist_count', checklist.done, checklist.total)}
            </p>
            <ChecklistView items={checklist.items} confirmations={confirmations} onToggle={toggle} />
          </section>
        </div>
        <aside class="report-aside" aria-labelledby="history-title">
          <h2 id="history-title">{t('report_history_heading')}</h2>
          <p class="hint">
            {history.length === 1 ? t('report_history_one') : t('report_history_many', history.length)}
          </p>
          <HistoryTimeline history={history} />
          <HistoryList history={history} currentRunId={report?.runId ?? null} />
          {history.length > 0 ? (
            <p class="report-actions">
              <button type="button" onClick={() => exportHistory('csv')}>
                {t('history_export_csv')}
              </button>{' '}
              <button type="button" onClick={() => exportHistory('json')}>
                {t('history_export_json')}
              </button>
            </p>
          ) : null}
          <p class="hint" data-field="device-link">
            {t('device_report_hint')} <a href="../device/device.html">{t('device_link')}</a>
          </p>
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
  const ipv6 = ipv6PortsOf(report);
  return (
    <article class="report-view" data-run-id={report.runId} aria-label={t('report_result_label')}>
      <div ref={topRef} tabIndex={-1} class="focus-target">
        {older ? (
          <p class="notice">
            {t('report_earlier_check')} <a href="#latest">{t('report_show_latest')}</a>
          </p>
        ) : null}
        <VerdictBanner report={report} now={now} />
      </div>
      <dl class="figures report-meta">
        <dt>{t('report_finished')}</dt>
        <dd>{localDateTime(report.finishedAt)}</dd>
        <dt>{t('report_relay')}</dt>
        <dd>{relayShown(report)}</dd>
        <dt>{t('report_browser')}</dt>
        <dd>{report.browser}</dd>
        <dt>{t('report_extension')}</dt>
        <dd>{report.extensionVersion}</dd>
        <dt>{t('report_run_id')}</dt>
        <dd>{report.runId}</dd>
      </dl>
      <p class="report-actions">
        <button type="button" onClick={onCopyText}>
          {t('report_copy_text')}
        </button>{' '}
        <button type="button" onClick={onDownload}>
          {t('report_download_json')}
        </button>
      </p>
      {share}
      <Section id="checks" title={t('report_section_checks')}>
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
      <Section id="ports" title={t('report_section_ports')}>
        {matrix ? <PortMatrixTable view={matrix} onCopyRemediation={onCopyRemediation} /> : <NotMeasured />}
        {ipv6 && matrix ? (
          <Ipv6PortsTable view={ipv6} profileId={matrix.profileId} profileFallback={matrix.profileName} />
        ) : null}
      </Section>
      <Section id="media" title={t('report_section_media')}>
        {report.regions ? <p class="hint">{t('report_measured_at', relayShown(report))}</p> : null}
        {report.media ? <MediaDetails media={report.media} /> : <NotMeasured />}
      </Section>
      {report.regions ? (
        <Section id="relays" title={t('report_section_relays')}>
          <RelayTable regions={report.regions} />
        </Section>
      ) : null}
      <Section id="nat" title={t('report_section_nat')}>
        {report.nat ? <NatDetails nat={report.nat} /> : <NotMeasured />}
      </Section>
      <Section id="tls" title={t('report_section_tls')}>
        <TlsDetails tls={report.tls} />
      </Section>
    </article>
  );
}

/** The relay the report's checks ran against, by its name in the comparison where it has one. */
function relayShown(report: Report): string {
  const own = report.regions?.relays.find((r) => r.primary);
  return own && !report.relayUrl.includes(`//${own.name}`)
    ? `${own.name} (${report.relayUrl})`
    : report.relayUrl;
}

function withoutKeys(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !keys.includes(k)));
}
