/**
 * The versioned report: what a run measured. The popup shows it, the command line prints it with --json, and
 * later the support workflow uploads it. One schema for all of them.
 */
import * as v from 'valibot';

export const REPORT_SCHEMA_VERSION = 1;

export const CheckStatus = v.picklist(['pass', 'warn', 'fail', 'skip', 'error']);
export type CheckStatus = v.InferOutput<typeof CheckStatus>;

/** The step of a connection that a failure is attributed to. */
export const FailedStep = v.picklist([
  'dns',
  'tcp',
  'tls',
  'http',
  'wss',
  'ice',
  'dtls',
  'media',
  'browser',
  'config',
]);
export type FailedStep = v.InferOutput<typeof FailedStep>;

/**
 * The one result shape every check returns. JSON-serialisable so it can cross extension messages, land in
 * storage, and be printed by the command line unchanged.
 */
export const CheckResultSchema = v.object({
  /** Stable id, e.g. 'relay-https', 'https-target-1', 'relay-wss'. */
  id: v.pipe(v.string(), v.maxLength(64)),
  /** Human label, e.g. "HTTPS to the relay". */
  title: v.pipe(v.string(), v.maxLength(200)),
  status: CheckStatus,
  /** Machine reason code in kebab-case, e.g. 'connection-refused'; 'ok' on a pass. */
  reason: v.pipe(v.string(), v.maxLength(64)),
  /** One line in plain words for the user, naming what failed and what to do next. */
  summary: v.pipe(v.string(), v.maxLength(1000)),
  /** Which step broke, when something broke. */
  step: v.optional(FailedStep),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  /** Evidence: JSON-serialisable data (timings, TLS details, addresses). */
  data: v.record(v.string(), v.unknown()),
});
export type CheckResult = v.InferOutput<typeof CheckResultSchema>;

const nullableNumber = v.nullable(v.number());

/** One second of an extended media run. */
export const MediaSampleSchema = v.object({
  /** Seconds since media started. */
  t: v.number(),
  packetsReceived: v.number(),
  packetsLost: v.number(),
  jitterMs: nullableNumber,
  rttMs: nullableNumber,
});
export type MediaSample = v.InferOutput<typeof MediaSampleSchema>;

/** A stretch with no echoed audio: the last sample that still had new packets … the first that had them again. */
export const MediaGapSchema = v.object({ fromS: v.number(), toS: v.number() });
export type MediaGap = v.InferOutput<typeof MediaGapSchema>;

/** The data-channel probes, reduced. */
export const ProbeSummarySchema = v.object({
  sent: v.number(),
  received: v.number(),
  lossPercent: nullableNumber,
  rttMedianMs: nullableNumber,
  rttP95Ms: nullableNumber,
  /** Mean absolute difference of consecutive round trips (RFC 3550's interarrival idea, on RTT). */
  jitterMs: nullableNumber,
});
export type ProbeSummary = v.InferOutput<typeof ProbeSummarySchema>;

/** The media loopback's figures: what the popup shows and the JSON report's `media` object carries. */
export const MediaReportSchema = v.object({
  encrypted: v.boolean(),
  srtpCipher: v.nullable(v.string()),
  dtlsCipher: v.nullable(v.string()),
  /** 'DTLS 1.2' etc. */
  tlsVersion: v.nullable(v.string()),
  dtlsRole: v.nullable(v.string()),
  transport: v.nullable(v.picklist(['udp', 'tcp'])),
  candidateTypes: v.object({ local: v.nullable(v.string()), remote: v.nullable(v.string()) }),
  relayProtocol: v.nullable(v.string()),
  codec: v.nullable(v.string()),
  rttMs: nullableNumber,
  rttSource: v.nullable(v.string()),
  jitterMs: nullableNumber,
  lossPercent: nullableNumber,
  mos: nullableNumber,
  mosBand: v.nullable(v.string()),
  packetsSent: v.number(),
  packetsReceived: v.number(),
  packetsLost: v.number(),
  probes: ProbeSummarySchema,
  /** Setup milestones, ms from the start of the media check. */
  timings: v.record(v.string(), nullableNumber),
  mode: v.picklist(['quick', 'extended']),
  toneState: v.string(),
  /** Stretches with no echoed audio (seconds since media started); a recovered drop shows here. */
  gaps: v.array(MediaGapSchema),
  /** Per-second samples (extended check). */
  samples: v.array(MediaSampleSchema),
});
export type MediaReport = v.InferOutput<typeof MediaReportSchema>;

/** What one probe of the firewall port matrix found. */
export const PortStatus = v.picklist([
  /** The probe got through. */
  'open',
  /** No answer within the time limit: something drops the traffic. */
  'blocked',
  /** Actively refused (TCP reset / connection refused). */
  'refused',
  /** The browser itself refuses this port (unsafe-port list): not the firewall's doing. */
  'browser-blocked',
  /** The relay has no listener for this port, so it could not be measured. */
  'relay-unavailable',
  /** A browser cannot test this kind of rule; `reason` says why. */
  'not-testable',
  /** The probe failed for another reason (TLS error, internal). */
  'error',
]);
export type PortStatus = v.InferOutput<typeof PortStatus>;

const Transport = v.picklist(['tcp', 'udp']);

/** One probed (or untestable) port of the provider's table, as the JSON report's `ports` array carries it. */
export const PortResultSchema = v.object({
  profile: v.string(),
  row: v.string(),
  protocol: v.string(),
  transport: Transport,
  port: v.number(),
  status: PortStatus,
  reason: v.string(),
  ms: nullableNumber,
});
export type PortResult = v.InferOutput<typeof PortResultSchema>;

export const RowStatus = v.picklist(['open', 'blocked', 'partial', 'not-testable', 'unknown']);
export type RowStatus = v.InferOutput<typeof RowStatus>;

/** One row of the provider's port table as measured (the port check keeps these in its evidence). */
export const RowResultSchema = v.object({
  row: v.string(),
  purpose: v.string(),
  protocol: v.string(),
  transport: Transport,
  /** The provider-side destination ports as the provider's table writes them, e.g. '40000-49999'. */
  ports: v.string(),
  status: RowStatus,
  secureVoice: v.boolean(),
  detail: v.string(),
});
export type RowResult = v.InferOutput<typeof RowResultSchema>;

/** A firewall rule to add, from a row that failed. */
export const RemediationLineSchema = v.object({
  direction: v.literal('outbound'),
  protocol: v.picklist(['TCP', 'UDP']),
  ports: v.string(),
  purpose: v.string(),
});
export type RemediationLine = v.InferOutput<typeof RemediationLineSchema>;

export const NatMapping = v.picklist(['endpoint-independent', 'symmetric', 'unknown']);
export type NatMapping = v.InferOutput<typeof NatMapping>;

export const NatReportSchema = v.object({
  /** The browser's address as the relay saw it differs from every local address the browser has. */
  natDetected: v.nullable(v.boolean()),
  mapping: NatMapping,
  /** HTTPS and UDP left through different public addresses. */
  pathsDiffer: v.nullable(v.boolean()),
  summary: v.string(),
  /** How many relay ports the classification rests on. */
  portsCompared: v.number(),
});
export type NatReport = v.InferOutput<typeof NatReportSchema>;

const TlsSeen = v.nullable(v.object({ version: v.nullable(v.string()), cipher: v.nullable(v.string()) }));
export const TlsReportSchema = v.object({
  https: TlsSeen,
  wss: TlsSeen,
  /** TLS 1.2 or later on every connection measured; null when none was. */
  ok: v.nullable(v.boolean()),
});

export const Verdict = v.picklist(['ready', 'degraded', 'blocked', 'error']);
export type Verdict = v.InferOutput<typeof Verdict>;

export const ReportSchema = v.object({
  schemaVersion: v.literal(REPORT_SCHEMA_VERSION),
  runId: v.string(),
  verdict: Verdict,
  /** Headline in plain words, with the one most important next step. */
  headline: v.string(),
  startedAt: v.string(),
  finishedAt: v.string(),
  /** True when the run was cut short (browser closed, worker stopped); checks hold what was measured. */
  interrupted: v.boolean(),
  relayUrl: v.string(),
  extensionVersion: v.string(),
  browser: v.string(),
  checks: v.array(CheckResultSchema),
  /** The media loopback's figures (ciphers, transport, RTT, jitter, loss, MOS), or null when it did not run. */
  media: v.nullable(MediaReportSchema),
  ports: v.array(PortResultSchema),
  nat: v.nullable(NatReportSchema),
  tls: TlsReportSchema,
});
export type Report = v.InferOutput<typeof ReportSchema>;
