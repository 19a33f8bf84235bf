/**
 * The versioned report: what a run measured. The popup shows it, the command line prints it with --json, and
 * later the support workflow uploads it. One schema for all of them.
 */
import * as v from 'valibot';

export const REPORT_SCHEMA_VERSION = 1;

export const CheckStatus = v.picklist(['pass', 'warn', 'fail', 'skip', 'error']);
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

export const CheckResultSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(64)),
  title: v.pipe(v.string(), v.maxLength(200)),
  status: CheckStatus,
  reason: v.pipe(v.string(), v.maxLength(64)),
  summary: v.pipe(v.string(), v.maxLength(1000)),
  step: v.optional(FailedStep),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  data: v.record(v.string(), v.unknown()),
});

const nullableNumber = v.nullable(v.number());

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
  probes: v.object({
    sent: v.number(),
    received: v.number(),
    lossPercent: nullableNumber,
    rttMedianMs: nullableNumber,
    rttP95Ms: nullableNumber,
    jitterMs: nullableNumber,
  }),
  /** Setup milestones, ms from the start of the media check. */
  timings: v.record(v.string(), nullableNumber),
  mode: v.picklist(['quick', 'extended']),
  toneState: v.string(),
  /** Stretches with no echoed audio (seconds since media started); a recovered drop shows here. */
  gaps: v.array(v.object({ fromS: v.number(), toS: v.number() })),
  /** Per-second samples (extended check). */
  samples: v.array(
    v.object({
      t: v.number(),
      packetsReceived: v.number(),
      packetsLost: v.number(),
      jitterMs: nullableNumber,
      rttMs: nullableNumber,
    }),
  ),
});
export type MediaReport = v.InferOutput<typeof MediaReportSchema>;

/** One probed (or untestable) port of the provider's table, as the JSON report's `ports` array carries it. */
export const PortResultSchema = v.object({
  profile: v.string(),
  row: v.string(),
  protocol: v.string(),
  transport: v.picklist(['tcp', 'udp']),
  port: v.number(),
  status: v.picklist([
    'open',
    'blocked',
    'refused',
    'browser-blocked',
    'relay-unavailable',
    'not-testable',
    'error',
  ]),
  reason: v.string(),
  ms: nullableNumber,
});

export const NatReportSchema = v.object({
  natDetected: v.nullable(v.boolean()),
  mapping: v.picklist(['endpoint-independent', 'symmetric', 'unknown']),
  pathsDiffer: v.nullable(v.boolean()),
  summary: v.string(),
  portsCompared: v.number(),
});

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
