/**
 * What the pages may ask of the extension. Pages get this through props, never the browser API itself, so UI
 * tests render them with a fake.
 */
import type { Confirmations } from '../checklist/evaluate.ts';
import type { Report } from '../protocol/report.ts';
import type { RunState } from '../protocol/runtime-messages.ts';
import type { SharedRecord, ShareSettings } from '../share/shared-record.ts';
import type { ShareOutcome } from '../share/upload.ts';

export interface ExtensionActions {
  getState(): Promise<RunState>;
  runCheck(mode?: 'quick' | 'extended'): Promise<void>;
  /** Calls back on every run-state change; returns an unsubscribe function. */
  subscribe(listener: (state: RunState) => void): () => void;
  /** Opens an extension page in a new tab; `path` is inside the extension, e.g. 'report/report.html'. */
  openPage(path: string): Promise<void>;
  getConfirmations(): Promise<Confirmations>;
  /** Whether the extension may see this URL's host (without it the browser names no cause of a failure). */
  hasAccess?(url: string): Promise<boolean>;
  /** Asks for host access; call it straight from a click (the user gesture). Resolves false when refused. */
  requestAccess?(url: string): Promise<boolean>;
  /** Calls back when host access is granted or revoked; returns an unsubscribe function. */
  subscribeAccess?(listener: () => void): () => void;
}

/** The report page: the last result, the history, the checklist, and getting a report out of the browser. */
export interface ReportActions {
  getState(): Promise<RunState>;
  subscribe(listener: (state: RunState) => void): () => void;
  /** The last finished runs, newest first. */
  getHistory(): Promise<Report[]>;
  subscribeHistory(listener: (history: Report[]) => void): () => void;
  getConfirmations(): Promise<Confirmations>;
  subscribeConfirmations(listener: (confirmations: Confirmations) => void): () => void;
  /** Marks a checklist item done on `date` (ISO), or not done when null; resolves with all confirmations. */
  setConfirmation(itemId: string, date: string | null): Promise<Confirmations>;
  copyText(text: string): Promise<void>;
  /** Saves `content` as a file the browser downloads. */
  download(fileName: string, content: string, type: string): void;
  /** The relay shares go to and the full-addresses default (read afresh each time). */
  getShareSettings(): Promise<ShareSettings>;
  /** Uploads a body from prepareShare to `relayUrl`; on success the code is remembered with the run. */
  share(runId: string, relayUrl: string, body: string): Promise<ShareOutcome>;
  /** Codes reports were shared under, newest first. */
  getShared(): Promise<SharedRecord[]>;
  subscribeShared(listener: (records: SharedRecord[]) => void): () => void;
}
