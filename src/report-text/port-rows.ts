/**
 * A report's firewall port matrix as table rows and a remediation list: what the report page shows and the
 * text summary prints. Pure, so the extension pages and the command line share it.
 */
import * as v from 'valibot';
import { remediation, remediationText, rollUpRows } from '../checks/ports/rollup.ts';
import type { PlainLabelKey } from '../messages/labels.ts';
import { profileById } from '../profiles/index.ts';
import {
  type PortStatus,
  type Report,
  type RowResult,
  RowResultSchema,
  type RowStatus,
} from '../protocol/report.ts';

export type PortResultView = Report['ports'][number];

export interface PortMatrixView {
  profileId: string;
  /** The profile's display name, or its id when this build does not know it. */
  profileName: string;
  rows: RowResult[];
  ports: PortResultView[];
  /** Rows that failed (blocked or partly blocked), in table order. */
  failed: RowResult[];
  /** Firewall rules to add, ready to paste into a change request. */
  remediation: string;
}

/** Words and icons, so status is never shown by colour alone. `tone` picks the colour token. */
export interface StatusLabel {
  icon: string;
  word: string;
  tone: 'pass' | 'warn' | 'fail' | 'skip';
}

export const ROW_STATUS_LABEL: Record<RowStatus, StatusLabel> = {
  open: { icon: '✓', word: 'Open', tone: 'pass' },
  blocked: { icon: '✕', word: 'Blocked', tone: 'fail' },
  partial: { icon: '!', word: 'Partly blocked', tone: 'warn' },
  'not-testable': { icon: '–', word: 'Not testable from a browser', tone: 'skip' },
  unknown: { icon: '?', word: 'Not measured', tone: 'skip' },
};

export const PORT_STATUS_LABEL: Record<PortStatus, StatusLabel> = {
  open: { icon: '✓', word: 'Open', tone: 'pass' },
  blocked: { icon: '✕', word: 'Blocked (no answer)', tone: 'fail' },
  refused: { icon: '✕', word: 'Refused', tone: 'fail' },
  'browser-blocked': { icon: '–', word: 'Refused by the browser', tone: 'skip' },
  'relay-unavailable': { icon: '?', word: 'Relay not listening', tone: 'skip' },
  'not-testable': { icon: '–', word: 'Not testable', tone: 'skip' },
  error: { icon: '?', word: 'Error', tone: 'warn' },
  'proxy-blocked': { icon: '✕', word: 'Blocked by the proxy (direct access not tested)', tone: 'fail' },
  'via-proxy': { icon: '?', word: 'Only through the proxy (direct access not tested)', tone: 'skip' },
};

/** Status words of the pages and the text report, by label key. */
export const ROW_WORD: Record<RowStatus, PlainLabelKey> = {
  open: 'row_status_open',
  blocked: 'row_status_blocked',
  partial: 'row_status_partial',
  'not-testable': 'row_status_not_testable',
  unknown: 'row_status_unknown',
};

export const PORT_WORD: Record<PortStatus, PlainLabelKey> = {
  open: 'port_status_open',
  blocked: 'port_status_blocked',
  refused: 'port_status_refused',
  'browser-blocked': 'port_status_browser_blocked',
  'relay-unavailable': 'port_status_relay_unavailable',
  'not-testable': 'port_status_not_testable',
  error: 'port_status_error',
  'proxy-blocked': 'port_status_proxy_blocked',
  'via-proxy': 'port_status_via_proxy',
};

// The check's own roll-up (stored in its evidence) is what was shown when it ran; it is preferred over
// recomputing from today's profile tables, which may have changed since an old history entry was recorded.
function storedRows(report: Report): RowResult[] | null {
  const data = report.checks.find((c) => c.id === 'port-matrix')?.data;
  const parsed = v.safeParse(v.array(RowResultSchema), data?.rows);
  return parsed.success && parsed.output.length > 0 ? parsed.output : null;
}

/** The matrix of a report, or null when the report has none (the port check did not run or found nothing). */
export function portMatrixOf(report: Report): PortMatrixView | null {
  const first = report.ports[0];
  const stored = storedRows(report);
  if (!first && !stored) return null;
  const profileId =
    first?.profile ?? String(report.checks.find((c) => c.id === 'port-matrix')?.data.profile ?? '');
  const profile = profileById(profileId);
  const rows = stored ?? (profile ? rollUpRows(profile, report.ports) : []);
  const fix = remediation(rows);
  return {
    profileId,
    profileName: profile?.name ?? profileId,
    rows,
    ports: report.ports,
    failed: rows.filter((r) => r.status === 'blocked' || r.status === 'partial'),
    remediation: remediationText(fix),
  };
}

/** The purpose of a port's row, for the per-port table (falls back to the row id). */
export function purposeOf(view: PortMatrixView, rowId: string): string {
  return view.rows.find((r) => r.row === rowId)?.purpose ?? rowId;
}
