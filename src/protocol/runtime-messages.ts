/**
 * Messages between extension pages (popup, options, report) and the background. Each request is validated in
 * the background before any handler runs; the sender is verified separately (see platform/messaging.ts).
 */
import * as v from 'valibot';
import { CheckResultSchema, ReportSchema } from './report.ts';
import { SettingsSchema } from './settings.ts';

export const RuntimeRequest = v.variant('type', [
  v.strictObject({ type: v.literal('runCheck') }),
  v.strictObject({ type: v.literal('getState') }),
  v.strictObject({ type: v.literal('getSettings') }),
  v.strictObject({ type: v.literal('saveSettings'), settings: SettingsSchema }),
]);
export type RuntimeRequest = v.InferOutput<typeof RuntimeRequest>;

export const RunState = v.object({
  /** 'running' while a check is in progress; 'idle' otherwise. */
  status: v.picklist(['idle', 'running']),
  runId: v.nullable(v.string()),
  startedAt: v.nullable(v.string()),
  /** Checks finished so far in the running run. */
  progress: v.array(CheckResultSchema),
  /** The last finished (or interrupted) report. */
  last: v.nullable(ReportSchema),
});
export type RunState = v.InferOutput<typeof RunState>;

export type RuntimeResponse = { ok: true; value: unknown } | { ok: false; error: string };
