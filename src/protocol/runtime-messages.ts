/**
 * Messages between extension pages (popup, options, report) and the background. Each request is validated in
 * the background before any handler runs; the sender is verified separately (see platform/messaging.ts).
 */
import * as v from 'valibot';
import { PROFILE_IDS } from '../profiles/index.ts';
import { MediaMode } from './relay-messages.ts';
import { CheckResultSchema, ReportSchema } from './report.ts';
import { SettingsSchema } from './settings.ts';

/** The limits a media run is rated against (src/checks/media/thresholds.ts). */
export const QualityLimitsSchema = v.object({
  rttGoodMs: v.number(),
  rttWarnMs: v.number(),
  lossGoodPercent: v.number(),
  lossWarnPercent: v.number(),
  jitterGoodMs: v.number(),
  jitterWarnMs: v.number(),
  mosPass: v.number(),
  mosWarn: v.number(),
});
export type QualityLimits = v.InferOutput<typeof QualityLimitsSchema>;

const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));

/** A UDP port to probe by ICE: where the relay listens, and the provider port it stands in for. */
export const IceProbeTargetSchema = v.strictObject({
  address: v.pipe(v.string(), v.maxLength(64)),
  relayPort: port,
  providerPort: port,
});
export type IceProbeTarget = v.InferOutput<typeof IceProbeTargetSchema>;

/** The ICE credentials of a probe session (the relay hands them out). */
export interface IceCredentials {
  ufrag: string;
  pwd: string;
}

/** What one ICE probe found. */
export const IceProbeResultSchema = v.object({
  providerPort: v.number(),
  relayPort: v.number(),
  status: v.picklist(['open', 'blocked', 'error']),
  reason: v.string(),
  ms: v.number(),
});
export type IceProbeResult = v.InferOutput<typeof IceProbeResultSchema>;

/** A batch of ICE probes, with the host addresses the browser gathered (to tell whether NAT translated). */
export const IceProbeBatchSchema = v.object({
  results: v.array(IceProbeResultSchema),
  localAddresses: v.array(v.string()),
});
export type IceProbeBatch = v.InferOutput<typeof IceProbeBatchSchema>;

/** Names a long-running offscreen job so the background can stop it (`cancel`) when the run stops waiting. */
const CancelId = v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/));

/** Background → offscreen document (Chrome): run the media loopback there, where WebRTC exists. */
export const OffscreenRequest = v.variant('type', [
  v.strictObject({
    target: v.literal('offscreen'),
    type: v.literal('runMedia'),
    relayUrl: v.string(),
    mode: MediaMode,
    durationMs: v.pipe(v.number(), v.minValue(1000), v.maxValue(120_000)),
    limits: QualityLimitsSchema,
    profile: v.picklist(PROFILE_IDS),
    /** Also sample the other IP version where the relay offers both (src/checks/media/other-family.ts). */
    bothFamilies: v.optional(v.boolean()),
    cancelId: v.optional(CancelId),
  }),
  v.strictObject({
    target: v.literal('offscreen'),
    type: v.literal('runIceProbes'),
    /** true: one transport for all targets (the NAT probe); false: one transport per target. */
    shared: v.boolean(),
    // A profile's single UDP ports and 32 sampled ports of each of its large ranges, with room to spare.
    targets: v.pipe(v.array(IceProbeTargetSchema), v.maxLength(256)),
    ufrag: v.pipe(v.string(), v.maxLength(64)),
    pwd: v.pipe(v.string(), v.maxLength(256)),
    timeoutMs: v.pipe(v.number(), v.minValue(100), v.maxValue(30_000)),
  }),
  /** The NAT binding lifetime measurement of the extended check. */
  v.strictObject({
    target: v.literal('offscreen'),
    type: v.literal('runBindingLifetime'),
    relayUrl: v.pipe(v.string(), v.maxLength(2048)),
    cancelId: v.optional(CancelId),
  }),
  /** The run stopped waiting for this job: close its sessions (an unknown or finished id is ignored). */
  v.strictObject({
    target: v.literal('offscreen'),
    type: v.literal('cancel'),
    cancelId: CancelId,
  }),
]);
export type OffscreenRequest = v.InferOutput<typeof OffscreenRequest>;

/** Ms from the media check's start to its first echo: bounded by the check's own setup limits (about 30 s). */
const FirstEchoMs = v.pipe(v.number(), v.minValue(0), v.maxValue(120_000));

export const RuntimeRequest = v.variant('type', [
  v.strictObject({ type: v.literal('runCheck'), mode: v.optional(MediaMode) }),
  /** From the offscreen document while media flows: progress, and it keeps the service worker awake. */
  v.strictObject({ type: v.literal('mediaSample'), t: v.number() }),
  /** From the offscreen document at the first echoed audio: the popup shows "encrypted audio flowing". */
  v.strictObject({ type: v.literal('mediaFlowing'), firstEchoMs: FirstEchoMs }),
  v.strictObject({ type: v.literal('getState') }),
  v.strictObject({ type: v.literal('getSettings') }),
  v.strictObject({ type: v.literal('saveSettings'), settings: SettingsSchema }),
]);
export type RuntimeRequest = v.InferOutput<typeof RuntimeRequest>;

export const RunState = v.object({
  /** 'running' while a check is in progress; 'idle' otherwise. */
  status: v.picklist(['idle', 'running']),
  mode: v.optional(MediaMode),
  runId: v.nullable(v.string()),
  startedAt: v.nullable(v.string()),
  /** Checks finished so far in the running run. */
  progress: v.array(CheckResultSchema),
  /** In the running run: ms from the media check's start to the first echoed audio, once it came back. */
  mediaFlowingMs: v.optional(v.nullable(FirstEchoMs)),
  /** The last finished (or interrupted) report. */
  last: v.nullable(ReportSchema),
});
export type RunState = v.InferOutput<typeof RunState>;

/** The runtime port over which the background pushes each run state to the open pages. */
export const RUN_STATE_PORT = 'run-state';

export type RuntimeResponse = { ok: true; value: unknown } | { ok: false; error: string };
