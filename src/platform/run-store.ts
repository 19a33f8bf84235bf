/**
 * The run state in extension storage. Pages read it and subscribe to its changes, so closing the popup never
 * loses a run and reopening it shows the running or the last result.
 */
import * as v from 'valibot';
import { RunState } from '../protocol/runtime-messages.ts';
import type { Browser } from './browser-api.ts';

const KEY = 'runState';

export const IDLE: RunState = { status: 'idle', runId: null, startedAt: null, progress: [], last: null };

export async function loadRunState(api: Browser): Promise<RunState> {
  const parsed = v.safeParse(RunState, (await api.storage.local.get(KEY))[KEY]);
  return parsed.success ? parsed.output : IDLE;
}

export async function saveRunState(api: Browser, state: RunState): Promise<void> {
  await api.storage.local.set({ [KEY]: state });
}

export function onRunStateChange(api: Browser, listener: (state: RunState) => void): () => void {
  const handler = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local' || !(KEY in changes)) return;
    const parsed = v.safeParse(RunState, changes[KEY]?.newValue);
    if (parsed.success) listener(parsed.output);
  };
  api.storage.onChanged.addListener(handler);
  return () => api.storage.onChanged.removeListener(handler);
}
