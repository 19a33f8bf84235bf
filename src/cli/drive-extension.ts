/**
 * Runs a check through the extension's own code: from one of its pages, save the settings and ask the
 * background to run, exactly as the popup does, then wait for the report.
 */

import * as v from 'valibot';
import { type Report, ReportSchema } from '../protocol/report.ts';
import type { SettingsInput } from '../protocol/settings.ts';
import { type ExtensionPage, inPage } from './extension-page.ts';

/** How often the stored report is looked for: the verdict shows at most this late. */
const POLL_MS = 50;

type Reply = { ok: true; value: unknown } | { ok: false; error: string };
type ExtensionGlobal = { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };

export async function request(page: ExtensionPage, message: Record<string, unknown>): Promise<unknown> {
  const reply = (await inPage(
    page,
    (m: Record<string, unknown>) => (globalThis as unknown as ExtensionGlobal).chrome.runtime.sendMessage(m),
    message,
  )) as Reply;
  if (!reply?.ok)
    throw new Error(`extension refused ${String(message.type)}: ${reply?.error ?? 'no answer'}`);
  return reply.value;
}

export async function runCheckInExtension(
  page: ExtensionPage,
  settings: SettingsInput,
  mode: 'quick' | 'extended',
  timeoutMs: number,
): Promise<Report> {
  await request(page, { type: 'saveSettings', settings });
  const { runId } = (await request(page, { type: 'runCheck', mode })) as { runId: string };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = (await request(page, { type: 'getState' })) as { status: string; last: unknown };
    const last = v.safeParse(ReportSchema, state.last);
    if (state.status === 'idle' && last.success && last.output.runId === runId) return last.output;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`the extension did not finish the check within ${Math.round(timeoutMs / 1000)} s`);
}

/** A run as an extension page saw it arrive, on the page's clock from sending runCheck. */
export interface Watched {
  runId: string;
  /** The stored report reached the page: what a user waits from the click to the verdict. */
  verdictMs: number;
  /** Each check's result first reached the page in the run's progress (the popup shows it then). */
  seen: Record<string, number>;
  /** The run state first said that encrypted audio flows (the media check's first echo); null if never. */
  flowingMs: number | null;
}

type PageChrome = {
  runtime: { sendMessage(m: unknown): Promise<Reply | undefined> };
  storage: {
    onChanged: {
      addListener(f: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
      removeListener(f: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
    };
  };
};

/**
 * Runs a check from an extension page the way the popup does: runCheck, then the run state as
 * storage.onChanged delivers it to the page, until the report of that run is stored. Times are the page's.
 */
export function watchCheckInExtension(
  page: ExtensionPage,
  settings: SettingsInput,
  mode: 'quick' | 'extended',
  timeoutMs: number,
): Promise<Watched> {
  return inPage(
    page,
    async (a: { settings: SettingsInput; mode: string; timeoutMs: number }) => {
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
        progress: Array<{ id: string }>;
        mediaFlowingMs?: number | null;
        last: { runId: string } | null;
      };
      const states: Array<{ t: number; s: State }> = [];
      const t0 = performance.now();
      const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
        const s = changes.runState?.newValue as State | undefined;
        if (area === 'local' && s) states.push({ t: performance.now() - t0, s });
      };
      c.storage.onChanged.addListener(listener);
      try {
        const { runId } = (await ask({ type: 'runCheck', mode: a.mode })) as { runId: string };
        const seen: Record<string, number> = {};
        let flowingMs: number | null = null;
        for (;;) {
          for (const { t, s } of states.splice(0)) {
            for (const p of s.progress) seen[p.id] ??= t;
            if (s.status === 'running' && s.mediaFlowingMs != null) flowingMs ??= t;
            if (s.status === 'idle' && s.last?.runId === runId)
              return { runId, verdictMs: t, seen, flowingMs };
          }
          if (performance.now() - t0 > a.timeoutMs) throw new Error('the check did not finish in time');
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        c.storage.onChanged.removeListener(listener);
      }
    },
    { settings, mode, timeoutMs },
  );
}
