/**
 * What the pages may ask of the extension. Pages get this through props, never the browser API itself, so UI
 * tests render them with a fake.
 */
import type { RunState } from '../protocol/runtime-messages.ts';

export interface ExtensionActions {
  getState(): Promise<RunState>;
  runCheck(mode?: 'quick' | 'extended'): Promise<void>;
  /** Calls back on every run-state change; returns an unsubscribe function. */
  subscribe(listener: (state: RunState) => void): () => void;
}
