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
