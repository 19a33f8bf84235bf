/**
 * Starts and records runs. A run's progress and result live in storage, not in a page, so closing the popup
 * does not stop it, and a run that the browser cut short is recorded as interrupted rather than dropped.
 */
import { buildReport, type RunMeta } from '../checks/build-report.ts';
import type { CheckContext } from '../checks/context.ts';
import { quickCheckPlan } from '../checks/plan.ts';
import { runChecks } from '../checks/runner.ts';
import { tlsStackOf } from '../checks/tls-inspection.ts';
import type { CheckResult } from '../checks/types.ts';
import type { Browser } from '../platform/browser-api.ts';
import { appendToHistory } from '../platform/history-store.ts';
import { keepAwake } from '../platform/keep-awake.ts';
import { watchNetErrors } from '../platform/net-errors.ts';
import { lastRelayAddress, watchRelayAddress } from '../platform/relay-address.ts';
import { IDLE, loadRunState, saveRunState } from '../platform/run-store.ts';
import { loadSettings } from '../platform/settings-store.ts';
import type { MediaMode } from '../protocol/relay-messages.ts';
import type { Report } from '../protocol/report.ts';
import type { RunState } from '../protocol/runtime-messages.ts';
import { showBadge } from './badge.ts';
import { createRunStateKeeper } from './run-state-keeper.ts';
import type { WebRtcHost } from './webrtc-host.ts';
import { recordResult } from './with-result.ts';

export interface RunManagerDeps {
  api: Browser;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  now: () => number;
  browserName: string;
  webrtc: WebRtcHost;
  /** Sends each run state to the open pages at once (src/platform/run-state-port.ts). */
  publish(state: RunState): void;
}

export function createRunManager(deps: RunManagerDeps) {
  const { api } = deps;
  let active: Promise<Report> | null = null;
  let activeRunId: string | null = null;
  let recovered: Promise<void> | null = null;
  const runState = createRunStateKeeper({
    load: () => loadRunState(api),
    save: (state) => saveRunState(api, state),
    publish: (state) => deps.publish(state),
    fallback: IDLE,
  });
  const write = runState.update;
  // History is a convenience: a failed write must neither lose the result (already in the run state) nor
  // break the write chain for the next run.
  const record = (report: Report) =>
    runState.afterStores(() =>
      appendToHistory(api.storage.local, report).then(
        () => undefined,
        () => undefined,
      ),
    );

  async function execute(runId: string, startedAt: string, mode: MediaMode): Promise<Report> {
    // Firefox's event page (and Chrome's service worker) would be stopped 30 s into a long run otherwise.
    const stopKeepAwake = keepAwake(api);
    const settings = await loadSettings(api);
    // The run before against the same relay, to tell whether the path to it changed since (a VPN, a split
    // tunnel); another relay is another path.
    const last = (await runState.current()).last;
    const previous = last?.relayUrl === settings.relayUrl ? last : null;
    const netErrors = watchNetErrors(api);
    const relayAddress = watchRelayAddress(api, settings.relayUrl);
    const ctx: CheckContext = {
      fetch: deps.fetch,
      WebSocket: deps.WebSocket,
      now: deps.now,
      netErrors,
      knownAddress: (host) => lastRelayAddress(api.storage.local, host),
      tlsStack: tlsStackOf(deps.browserName),
      timingFor: (url) => performance.getEntriesByName(url).at(-1) as PerformanceResourceTiming | undefined,
    };
    try {
      const results = await runChecks(
        quickCheckPlan(
          settings,
          { ...ctx, iceProbes: deps.webrtc.iceProbes, natProbe: deps.webrtc.natProbe },
          deps.webrtc.media,
          mode,
          deps.webrtc.bindingLifetime,
        ),
        (r: CheckResult) => recordResult(runState, r),
        deps.now,
      );
      const meta: RunMeta = {
        runId,
        startedAt,
        finishedAt: new Date().toISOString(),
        relayUrl: settings.relayUrl,
        extensionVersion: api.runtime.getManifest().version,
        browser: deps.browserName,
      };
      const report = buildReport(meta, results, false, previous?.checks ?? null);
      // Before the report is stored: whoever reads it finds the relay's address already settled.
      await relayAddress.stop({ proxied: !!report.proxy });
      // The badge first: whoever sees the run ended (the popup, a script reading the state) finds the toolbar
      // already saying how it went, never still "…" (seen in CI: the state was idle, the badge not yet set).
      await showBadge(api, report.verdict);
      await write(() => ({ status: 'idle', runId: null, startedAt: null, progress: [], last: report }));
      await record(report);
      return report;
    } finally {
      stopKeepAwake();
      netErrors.stop();
      await relayAddress.stop(null);
      performance.clearResourceTimings();
    }
  }

  /** Starts a run unless one is already going; `done` is the new run's report, null for the one going. */
  async function launch(mode: MediaMode): Promise<{ runId: string; done: Promise<Report> | null }> {
    await recovered;
    if (active && activeRunId) return { runId: activeRunId, done: null };
    const runId = crypto.randomUUID();
    const startedAt = new Date().toISOString();
    // The checks start now, with the "running" state and the badge on their way: changes apply in order, so
    // the state says running before any result lands in it, and each result reaches the open popup as it is
    // measured (pushed over its port, stored after), without waiting for the badge or the storage.
    const running = write((s) => ({
      ...s,
      status: 'running',
      mode,
      runId,
      startedAt,
      progress: [],
      mediaFlowingMs: null,
    }));
    const done = execute(runId, startedAt, mode).finally(() => {
      active = null;
      activeRunId = null;
    });
    active = done;
    activeRunId = runId;
    // A failed run is recorded in its state; a caller that only wanted the id must not see it rejected.
    done.catch(() => undefined);
    await Promise.all([running, showBadge(api, 'running')]);
    return { runId, done };
  }

  return {
    /** Starts a run unless one is already going; returns the running run's id either way. */
    start: async (mode: MediaMode = 'quick'): Promise<string> => (await launch(mode)).runId,

    /**
     * Monitor mode's run, to its report; null when a run was already going (the user's run stands for this
     * round) or the run broke off.
     */
    async startAndWait(mode: MediaMode = 'quick'): Promise<Report | null> {
      await recovered;
      if (active) return null;
      const { done } = await launch(mode);
      return done ? done.catch(() => null) : null;
    },

    /**
     * At background start: a run marked running that this instance does not own was cut short (service worker
     * stopped, browser closed). Record it as interrupted with what it had measured.
     */
    recoverInterrupted(): Promise<void> {
      recovered ??= recoverOnce();
      return recovered;
    },

    state: () => runState.current(),

    /** The running run's media check heard its first echo: encrypted audio flows (the popup says so). */
    async mediaFlowing(firstEchoMs: number): Promise<void> {
      const runId = activeRunId;
      if (!runId) return;
      // The first echo of the run: the relay comparison's samples after it echo too, and change nothing.
      await write((s) =>
        s.status === 'running' && s.runId === runId
          ? { ...s, mediaFlowingMs: s.mediaFlowingMs ?? firstEchoMs }
          : s,
      );
    },
  };

  async function recoverOnce(): Promise<void> {
    const state = await runState.current();
    if (state.status !== 'running' || active || !state.runId) return;
    const settings = await loadSettings(api);
    const meta: RunMeta = {
      runId: state.runId,
      startedAt: state.startedAt ?? new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      relayUrl: settings.relayUrl,
      extensionVersion: api.runtime.getManifest().version,
      browser: deps.browserName,
    };
    const report = buildReport(meta, state.progress, true);
    await showBadge(api, 'error');
    await write(() => ({ status: 'idle', runId: null, startedAt: null, progress: [], last: report }));
    await record(report);
  }
}
