/**
 * Runs a check through the extension's own code: from one of its pages, save the settings and ask the
 * background to run, exactly as the popup does, then wait for the report.
 */

import * as v from 'valibot';
import { type Report, ReportSchema } from '../protocol/report.ts';
import { RUN_STATE_PORT } from '../protocol/runtime-messages.ts';
import type { SettingsInput } from '../protocol/settings.ts';
import { type ExtensionPage, inPage } from './extension-page.ts';

/** How often the stored report is looked for: the verdict shows at most this late. */
const POLL_MS = 50;

type Reply = { ok: true; value: unknown } | { ok: false; error: string };
type ExtensionGlobal = { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };

/** How long one message to the background may take: it answers from memory, so only a stuck browser takes this. */
export const REQUEST_LIMIT_MS = 15_000;

export async function request(page: ExtensionPage, message: Record<string, unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the extension did not answer ${String(message.type)} within ${REQUEST_LIMIT_MS / 1000} s (the browser may be stuck)`,
          ),
        ),
      REQUEST_LIMIT_MS,
    );
  });
  try {
    // As JSON text: WebDriver BiDi hands an object that occurs twice in the answer (a relay's failure quoted
    // by the media check and by the relay comparison) to puppeteer as a reference it leaves empty, which made
    // Firefox's reports fail their schema.
    const text = await Promise.race([
      inPage(
        page,
        async (m: Record<string, unknown>) =>
          JSON.stringify(await (globalThis as unknown as ExtensionGlobal).chrome.runtime.sendMessage(m)) ??
          'null',
        message,
      ),
      stuck,
    ]);
    const reply = JSON.parse(text) as Reply;
    if (!reply?.ok)
      throw new Error(`extension refused ${String(message.type)}: ${reply?.error ?? 'no answer'}`);
    return reply.value;
  } finally {
    clearTimeout(timer);
  }
}

/** The checks a run has finished so far, as a user reads them when the run is stopped or runs out of time. */
export function finishedSoFar(progress: readonly { id: string }[]): string {
  return progress.length
    ? `finished so far: ${progress.map((p) => p.id).join(', ')}`
    : 'no check finished yet';
}

/**
 * Saves the settings, starts a run and polls until its report is stored. `onProgress` hears the checks
 * finished so far after each poll (the command line names them when interrupted).
 */
export async function runCheckInExtension(
  page: ExtensionPage,
  settings: SettingsInput,
  mode: 'quick' | 'extended',
  timeoutMs: number,
  onProgress?: (progress: readonly { id: string }[]) => void,
): Promise<Report> {
  await request(page, { type: 'saveSettings', settings });
  const { runId } = (await request(page, { type: 'runCheck', mode })) as { runId: string };
  const deadline = Date.now() + timeoutMs;
  let progress: readonly { id: string }[] = [];
  while (Date.now() < deadline) {
    const state = (await request(page, { type: 'getState' })) as {
      status: string;
      last: unknown;
      progress?: { id: string; partial?: boolean }[];
    };
    if (state.status === 'idle' && (state.last as { runId?: unknown } | null)?.runId === runId)
      return reportOf(state.last);
    if (state.status === 'running' && Array.isArray(state.progress)) {
      // Rows still being measured (a partial WSS row) are not finished.
      progress = state.progress.filter((p) => !p.partial);
      onProgress?.(progress);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(
    `the extension did not finish the check within ${Math.round(timeoutMs / 1000)} s (${finishedSoFar(progress)})`,
  );
}

/** This run's stored report, checked against the report's schema; one that fails it is said, not waited on. */
function reportOf(stored: unknown): Report {
  const parsed = v.safeParse(ReportSchema, stored);
  if (parsed.success) return parsed.output;
  // A union's issue holds why each branch failed: the deepest first one names the field at fault.
  let issue: v.BaseIssue<unknown> | undefined = parsed.issues[0];
  while (issue?.issues?.[0]) issue = issue.issues[0];
  const where = issue ? (v.getDotPath(issue) ?? 'the report') : 'the report';
  throw new Error(
    `the extension's report does not match the report format (${where}: ${issue?.message ?? 'invalid'})`,
  );
}

/** How a run state reached the page: pushed over the background's port, or through storage.onChanged. */
export type Channel = 'port' | 'storage';

/** A run as an extension page saw it arrive, on the page's clock from sending runCheck. */
export interface Watched {
  runId: string;
  /** The report reached the page (over either channel): what a user waits from the click to the verdict. */
  verdictMs: number;
  /** Each check's result first reached the page in the run's progress (the popup shows it then). */
  seen: Record<string, number>;
  /** Each check's final result first reached the page (later than `seen` where a partial one came first). */
  final: Record<string, number>;
  /** Each check's row as the port pushed it, change by change in the order received (partial, then final). */
  pushed: Record<string, PushedRow[]>;
  /** The run state first said that encrypted audio flows (the media check's first echo); null if never. */
  flowingMs: number | null;
  /** The same moments through storage alone (what pages saw before the port): report, then each check. */
  stored: { verdictMs: number | null; seen: Record<string, number> };
  /** Which channel brought each check's result first. */
  via: Record<string, Channel>;
}

/** A check's row in one pushed run state: what the popup showed the user. */
export interface PushedRow {
  status: string;
  reason: string;
  summary: string;
  partial: boolean;
}

type PortLike = {
  onMessage: { addListener(f: (m: unknown) => void): void };
  disconnect(): void;
};
type PageChrome = {
  runtime: {
    sendMessage(m: unknown): Promise<Reply | undefined>;
    connect(info: { name: string }): PortLike;
  };
  storage: {
    onChanged: {
      addListener(f: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
      removeListener(f: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
    };
  };
};

/**
 * Runs a check from an extension page the way the popup does: runCheck, then the run state as the background
 * pushes it over the page's port (src/platform/run-state-port.ts) and as storage.onChanged delivers it,
 * until the report of that run arrives. Builds without the port answer through storage only. Times are the
 * page's.
 */
export function watchCheckInExtension(
  page: ExtensionPage,
  settings: SettingsInput,
  mode: 'quick' | 'extended',
  timeoutMs: number,
): Promise<Watched> {
  return inPage(
    page,
    async (a: { settings: SettingsInput; mode: string; timeoutMs: number; portName: string }) => {
      const c = (globalThis as unknown as { chrome: PageChrome }).chrome;
      const ask = async (m: Record<string, unknown>) => {
        const r = await c.runtime.sendMessage(m);
        if (!r?.ok)
          throw new Error(`extension refused ${String(m.type)}: ${r?.ok === false ? r.error : 'no answer'}`);
        return r.value;
      };
      await ask({ type: 'saveSettings', settings: a.settings });
      type State = {
        status: string;
        progress: Array<{ id: string; status: string; reason: string; summary: string; partial?: boolean }>;
        mediaFlowingMs?: number | null;
        last: { runId: string } | null;
      };
      const states: Array<{ t: number; s: State; via: 'port' | 'storage' }> = [];
      const t0 = performance.now();
      const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
        const s = changes.runState?.newValue as State | undefined;
        if (area === 'local' && s) states.push({ t: performance.now() - t0, s, via: 'storage' });
      };
      c.storage.onChanged.addListener(listener);
      const port = c.runtime.connect({ name: a.portName });
      port.onMessage.addListener((s) =>
        states.push({ t: performance.now() - t0, s: s as State, via: 'port' }),
      );
      try {
        const { runId } = (await ask({ type: 'runCheck', mode: a.mode })) as { runId: string };
        const seen: Record<string, number> = {};
        const final: Record<string, number> = {};
        const pushed: Record<string, PushedRow[]> = {};
        const via: Record<string, 'port' | 'storage'> = {};
        const stored: { verdictMs: number | null; seen: Record<string, number> } = {
          verdictMs: null,
          seen: {},
        };
        let flowingMs: number | null = null;
        let verdictMs: number | null = null;
        for (;;) {
          for (const { t, s, via: channel } of states.splice(0)) {
            // The port sends the state as it was when the page connected: an earlier run's is not this one's.
            const mine = s.status === 'running' ? true : s.last?.runId === runId;
            if (!mine) continue;
            for (const p of s.progress) {
              if (seen[p.id] === undefined) {
                seen[p.id] = t;
                via[p.id] = channel;
              }
              if (!p.partial) final[p.id] ??= t;
              if (channel === 'port') {
                const row = { status: p.status, reason: p.reason, summary: p.summary, partial: !!p.partial };
                const rows = pushed[p.id] ?? [];
                const before = rows.at(-1);
                if (!before || JSON.stringify(before) !== JSON.stringify(row)) pushed[p.id] = [...rows, row];
              }
              if (channel === 'storage') stored.seen[p.id] ??= t;
            }
            if (s.status === 'running' && s.mediaFlowingMs != null) flowingMs ??= t;
            if (s.status === 'idle' && s.last?.runId === runId) {
              verdictMs ??= t;
              if (channel === 'storage') stored.verdictMs ??= t;
            }
          }
          // The verdict counts from its first arrival; the stored copy is waited for (bounded) to compare.
          if (verdictMs !== null && (stored.verdictMs !== null || performance.now() - t0 > verdictMs + 2000))
            return { runId, verdictMs, seen, final, pushed, flowingMs, stored, via };
          if (performance.now() - t0 > a.timeoutMs) throw new Error('the check did not finish in time');
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        c.storage.onChanged.removeListener(listener);
        port.disconnect();
      }
    },
    { settings, mode, timeoutMs, portName: RUN_STATE_PORT },
  );
}
