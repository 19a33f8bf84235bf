/**
 * The versioned report: what a run measured. The popup shows it, the command line prints it with --json, and
 * later the support workflow uploads it. One schema for all of them.
 */
import * as v from 'valibot';
import { MessageSchema } from '../messages/message.ts';
import { boundedJson } from './bounded-json.ts';

/**
 * 2: media.lossPercent is the loss the quality rests on (the worse one-way direction, see media.loss), no
 * longer always the round trip. Reports of version 1 are still read: their lossPercent is the round trip,
 * and they have no media.loss (the pages then label it "round trip").
 */
export const REPORT_SCHEMA_VERSION = 2;
/** Every version this build reads. */
const READABLE_VERSIONS = [1, 2] as const;

/**
 * Caps on every string and list of a report. A report comes back over the network (an upload to the relay,
 * a file a user shares), and each of its strings is scanned for addresses and stored: the caps sit far
 * above what a real run produces and keep that work small. Checked where the report is validated, with the
 * path of the first value over a cap.
 */
export const REPORT_CAPS = {
  /** Identifiers, codes, versions, times, cipher and codec names. */
  word: 128,
  /** One sentence: a headline, a check's summary, a port's reason. */
  sentence: 2000,
  url: 2048,
  /** Any string inside a check's free-form `data`, and its keys. */
  dataString: 4096,
  dataKey: 128,
  checks: 64,
  ports: 1024,
  /** Per-second samples and gaps of an extended media check (an hour at most). */
  samples: 3600,
} as const;

const word = v.pipe(v.string(), v.maxLength(REPORT_CAPS.word));
const sentence = v.pipe(v.string(), v.maxLength(REPORT_CAPS.sentence));
/** Numbers are finite: JSON cannot carry Infinity (1e999 would come back as null). */
const num = v.pipe(v.number(), v.finite());
const PortNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));

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
  /** Human label in English, e.g. "HTTPS to the relay": the rendering of titleMessage. */
  title: v.pipe(v.string(), v.maxLength(200)),
  /** The title as a message, shown in the UI language (absent in reports from before messages). */
  titleMessage: v.optional(MessageSchema),
  status: CheckStatus,
  /** Machine reason code in kebab-case, e.g. 'connection-refused'; 'ok' on a pass. */
  reason: v.pipe(v.string(), v.maxLength(64)),
  /** One line in plain words, naming what failed and what to do next: English, the rendering of summaryMessage. */
  summary: v.pipe(v.string(), v.maxLength(1000)),
  /** The summary as a message, shown in the UI language (absent in reports from before messages). */
  summaryMessage: v.optional(MessageSchema),
  /** Which step broke, when something broke. */
  step: v.optional(FailedStep),
  durationMs: v.pipe(num, v.minValue(0)),
  /**
   * Present while the check is still measuring: what it has established so far (the popup shows it at once),
   * replaced by the check's final result. Only a run cut short keeps one in its report.
   */
  partial: v.optional(v.literal(true)),
  /** Evidence: JSON-serialisable data (timings, TLS details, addresses). */
  data: v.pipe(
    v.record(v.string(), v.unknown()),
    boundedJson<Record<string, unknown>>(REPORT_CAPS.dataString, REPORT_CAPS.dataKey),
  ),
});
export type CheckResult = v.InferOutput<typeof CheckResultSchema>;

const nullableNumber = v.nullable(num);

/** One second of an extended media run. */
export const MediaSampleSchema = v.object({
  /** Seconds since media started. */
  t: num,
  packetsReceived: num,
  packetsLost: num,
  jitterMs: nullableNumber,
  rttMs: nullableNumber,
});
export type MediaSample = v.InferOutput<typeof MediaSampleSchema>;

/**
 * Loss per direction in one second of an extended media run, in percent (checks/media/loss-per-second.ts):
 * null where that second could not be judged. t is the second's end, in seconds since media started.
 */
export const LossSecondSchema = v.object({ t: num, uplink: nullableNumber, downlink: nullableNumber });
export type LossSecond = v.InferOutput<typeof LossSecondSchema>;

/** A stretch with no echoed audio: the last sample that still had new packets … the first that had them again. */
export const MediaGapSchema = v.object({ fromS: num, toS: num });
export type MediaGap = v.InferOutput<typeof MediaGapSchema>;

/** The data-channel probes, reduced. */
export const ProbeSummarySchema = v.object({
  sent: num,
  received: num,
  lossPercent: nullableNumber,
  rttMedianMs: nullableNumber,
  rttP95Ms: nullableNumber,
  /** Mean absolute difference of consecutive round trips (RFC 3550's interarrival idea, on RTT). */
  jitterMs: nullableNumber,
});
export type ProbeSummary = v.InferOutput<typeof ProbeSummarySchema>;

/** Loss on one direction of the media path, with its 95 % interval (what the sample can resolve). */
export const LossFigureSchema = v.object({
  percent: num,
  /** Packets lost, of packets: audio RTP and data-channel probes together. */
  lost: num,
  packets: num,
  /** The 95 % interval (Wilson score), in percent: a short check cannot tell 3 % from 5 %. */
  low: num,
  high: num,
});
export type LossFigure = v.InferOutput<typeof LossFigureSchema>;

/** Loss per direction: what the relay received of what was sent, what came back of what it echoed, both. */
export const MediaLossSchema = v.object({
  /** This computer to the relay; null when the relay did not report what it received. */
  uplink: v.nullable(LossFigureSchema),
  /** The relay back to this computer; null as uplink. */
  downlink: v.nullable(LossFigureSchema),
  roundTrip: v.nullable(LossFigureSchema),
  /** Which figure lossPercent and the MOS use: the worse one-way direction, or the round trip without it. */
  scored: v.nullable(v.picklist(['uplink', 'downlink', 'round-trip'])),
});
export type MediaLoss = v.InferOutput<typeof MediaLossSchema>;

/** The media loopback's figures: what the popup shows and the JSON report's `media` object carries. */
export const MediaReportSchema = v.object({
  encrypted: v.boolean(),
  srtpCipher: v.nullable(word),
  dtlsCipher: v.nullable(word),
  /** 'DTLS 1.2' etc. */
  tlsVersion: v.nullable(word),
  dtlsRole: v.nullable(word),
  transport: v.nullable(v.picklist(['udp', 'tcp'])),
  /**
   * The relay's port media used (the chosen ICE candidate pair's; ICE-TCP uses the same number as UDP).
   * Absent in reports from before it was recorded.
   */
  mediaPort: v.optional(v.nullable(PortNumber)),
  /**
   * The media row of the check's profile that port stands in for (its id and the provider's range); null
   * when it is none of them (a relay that does not serve media on the provider's numbers).
   */
  mediaPortRange: v.optional(v.nullable(v.object({ row: word, from: PortNumber, to: PortNumber }))),
  /** The IP version media crossed (the relay's address in the chosen pair); absent in older reports. */
  addressFamily: v.optional(v.nullable(v.picklist(['IPv4', 'IPv6']))),
  candidateTypes: v.object({ local: v.nullable(word), remote: v.nullable(word) }),
  relayProtocol: v.nullable(word),
  codec: v.nullable(word),
  rttMs: nullableNumber,
  rttSource: v.nullable(word),
  jitterMs: nullableNumber,
  /** The loss the rating and the MOS use: media.loss.scored says which (version 1: the round trip). */
  lossPercent: nullableNumber,
  /** Loss per direction (absent in reports of version 1). */
  loss: v.optional(MediaLossSchema),
  mos: nullableNumber,
  mosBand: v.nullable(word),
  packetsSent: num,
  packetsReceived: num,
  packetsLost: num,
  probes: ProbeSummarySchema,
  /** Setup milestones, ms from the start of the media check. */
  timings: v.pipe(v.record(word, nullableNumber), v.maxEntries(64)),
  mode: v.picklist(['quick', 'extended']),
  toneState: word,
  /** Stretches with no echoed audio (seconds since media started); a recovered drop shows here. */
  gaps: v.pipe(v.array(MediaGapSchema), v.maxLength(REPORT_CAPS.samples)),
  /** Per-second samples (extended check). */
  samples: v.pipe(v.array(MediaSampleSchema), v.maxLength(REPORT_CAPS.samples)),
  /**
   * Loss per direction second by second (extended check, from a relay that counts by the second); absent
   * from quick checks, older reports and against older relays.
   */
  lossPerSecond: v.optional(v.pipe(v.array(LossSecondSchema), v.maxLength(REPORT_CAPS.samples))),
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
  /**
   * The browser's proxy refused to connect to this port: blocked on the browser's path, while a phone's
   * direct connection (which does not use the proxy) was not tested. Counts as blocked for the remediation.
   */
  'proxy-blocked',
  /**
   * The probe got through, but only through the browser's proxy: phones do not use it, so this says nothing
   * of their direct access, and never counts as open.
   */
  'via-proxy',
]);
export type PortStatus = v.InferOutput<typeof PortStatus>;

const Transport = v.picklist(['tcp', 'udp']);

/** One probed (or untestable) port of the provider's table, as the JSON report's `ports` array carries it. */
export const PortResultSchema = v.object({
  profile: word,
  row: sentence,
  protocol: word,
  transport: Transport,
  port: num,
  status: PortStatus,
  reason: sentence,
  ms: nullableNumber,
});
export type PortResult = v.InferOutput<typeof PortResultSchema>;

export const RowStatus = v.picklist(['open', 'blocked', 'partial', 'not-testable', 'unknown']);
export type RowStatus = v.InferOutput<typeof RowStatus>;

/** One row of the provider's port table as measured (the port check keeps these in its evidence). */
export const RowResultSchema = v.object({
  row: sentence,
  purpose: sentence,
  protocol: word,
  transport: Transport,
  /** The provider-side destination ports as the provider's table writes them, e.g. '40000-49999'. */
  ports: sentence,
  status: RowStatus,
  secureVoice: v.boolean(),
  /** Why the row has its status ("5096 open, 5097 blocked"), in English: the rendering of detailMessage. */
  detail: sentence,
  /**
   * The row's ranges in which a probed port failed, e.g. '80' of '80, 443': what the remediation asks to
   * open. A range is named whole (one failed sample of 40000-49999 says nothing of the ports beside it).
   * Absent in reports from before it existed: those asked to open the whole row.
   */
  failedPorts: v.optional(sentence),
  detailMessage: v.optional(MessageSchema),
  /** Distinct ports of the row that were measured (open, blocked or refused) in this run. */
  measured: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))),
  /** Ports the row's ranges hold: measured < size means the row was sampled. */
  size: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))),
});
export type RowResult = v.InferOutput<typeof RowResultSchema>;

/** A firewall rule to add, from a row that failed. */
export const RemediationLineSchema = v.object({
  direction: v.literal('outbound'),
  protocol: v.picklist(['TCP', 'UDP']),
  ports: sentence,
  purpose: sentence,
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
  /**
   * The address the relay saw (HTTPS or UDP) changed since the previous check; null when either run did not
   * measure it (absent in reports from before it was compared).
   */
  pathChanged: v.optional(v.nullable(v.boolean())),
  /** In English: the rendering of summaryMessage. */
  summary: sentence,
  summaryMessage: v.optional(MessageSchema),
  /** How many relay ports the classification rests on. */
  portsCompared: num,
});
export type NatReport = v.InferOutput<typeof NatReportSchema>;

/**
 * A proxy on the browser's path to the relay, and how it was recognised:
 * - 'browser-proxy-info': the browser named the proxy it used (Firefox's webRequest proxyInfo);
 * - 'proxy-refused': the browser said a proxy refused a connection (net::ERR_TUNNEL_CONNECTION_FAILED,
 *   NS_ERROR_PROXY_*);
 * - 'other-address': the browser connected to another address than the relay's own (the proxy's).
 */
export const ProxyEvidence = v.picklist(['browser-proxy-info', 'proxy-refused', 'other-address']);
export type ProxyEvidence = v.InferOutput<typeof ProxyEvidence>;

/** How the browser reached one URL, as it reported it (webRequest): the evidence for a proxy. */
export const RouteSchema = v.object({
  /** The proxy the browser says it used, "host:port" (Firefox's proxyInfo); null: none named. */
  proxy: v.nullable(word),
  /** The address the browser says it connected to (webRequest `ip`): the proxy's when proxied. */
  connectedTo: v.nullable(word),
});
export type Route = v.InferOutput<typeof RouteSchema>;

export const ProxyReportSchema = v.object({
  evidence: ProxyEvidence,
  /** The proxy as the browser named it (host:port), or the address it connected to instead; null when unnamed. */
  proxy: v.nullable(word),
  /** Provider TCP ports reached only through the proxy (never counted open for phones). */
  viaProxy: v.pipe(v.array(num), v.maxLength(REPORT_CAPS.ports)),
  /** Provider TCP ports the proxy refused (direct access not tested; they stay in the remediation list). */
  proxyBlocked: v.pipe(v.array(num), v.maxLength(REPORT_CAPS.ports)),
  /** In English: the rendering of summaryMessage. */
  summary: sentence,
  summaryMessage: v.optional(MessageSchema),
});
export type ProxyReport = v.InferOutput<typeof ProxyReportSchema>;

const TlsSeen = v.nullable(v.object({ version: v.nullable(word), cipher: v.nullable(word) }));
export const TlsReportSchema = v.object({
  https: TlsSeen,
  wss: TlsSeen,
  /** TLS 1.2 or later on every connection measured; null when none was. */
  ok: v.nullable(v.boolean()),
});

/** One relay (region) as the comparison measured it; a figure is null when it was not measured. */
export const ComparedRelaySchema = v.object({
  name: sentence,
  url: v.pipe(v.string(), v.maxLength(REPORT_CAPS.url)),
  /** The relay the rest of the report's figures came from. */
  primary: v.boolean(),
  httpsMs: nullableNumber,
  rttMs: nullableNumber,
  /** The loss the MOS uses (the worse one-way direction where known). */
  lossPercent: nullableNumber,
  /** That loss figure's 95 % interval, in percent (absent in older reports; null: not known). */
  lossInterval: v.optional(v.nullable(v.object({ low: num, high: num }))),
  jitterMs: nullableNumber,
  mos: nullableNumber,
  /** Why it was not measured, in English (the rendering of problemMessage); null when it was. */
  problem: v.nullable(sentence),
  problemMessage: v.optional(v.nullable(MessageSchema)),
});
export type ComparedRelay = v.InferOutput<typeof ComparedRelaySchema>;

/** Relays (regions) compared by the same quality measure, best first, and the one recommended. */
export const RegionsReportSchema = v.object({
  relays: v.pipe(v.array(ComparedRelaySchema), v.maxLength(16)),
  /** The recommended relay's URL; null when none could be measured. */
  recommended: v.nullable(v.pipe(v.string(), v.maxLength(REPORT_CAPS.url))),
  /** The recommendation and why, in English: the rendering of summaryMessage. */
  summary: sentence,
  summaryMessage: v.optional(MessageSchema),
});
export type RegionsReport = v.InferOutput<typeof RegionsReportSchema>;

export const Verdict = v.picklist(['ready', 'degraded', 'blocked', 'error']);
export type Verdict = v.InferOutput<typeof Verdict>;

export const ReportSchema = v.object({
  schemaVersion: v.picklist(READABLE_VERSIONS),
  runId: word,
  verdict: Verdict,
  /** Headline in plain words, with the one most important next step: English, the rendering of headlineMessage. */
  headline: sentence,
  /** The headline as a message, shown in the UI language (absent in reports from before messages). */
  headlineMessage: v.optional(MessageSchema),
  startedAt: word,
  finishedAt: word,
  /** True when the run was cut short (browser closed, worker stopped); checks hold what was measured. */
  interrupted: v.boolean(),
  relayUrl: v.pipe(v.string(), v.maxLength(REPORT_CAPS.url)),
  extensionVersion: word,
  browser: v.pipe(v.string(), v.maxLength(512)),
  checks: v.pipe(v.array(CheckResultSchema), v.maxLength(REPORT_CAPS.checks)),
  /** The media loopback's figures (ciphers, transport, RTT, jitter, loss, MOS), or null when it did not run. */
  media: v.nullable(MediaReportSchema),
  ports: v.pipe(v.array(PortResultSchema), v.maxLength(REPORT_CAPS.ports)),
  nat: v.nullable(NatReportSchema),
  /** A proxy on the browser's path (absent in reports from before it was looked for; null: none seen). */
  proxy: v.optional(v.nullable(ProxyReportSchema)),
  tls: TlsReportSchema,
  /** Relays (regions) compared (absent when the settings list no other relay, and in older reports). */
  regions: v.optional(v.nullable(RegionsReportSchema)),
});
export type Report = v.InferOutput<typeof ReportSchema>;
