/**
 * The media check's verdict and evidence from what the loopback measured. Pure.
 * pass: DTLS connected, SRTP negotiated, echo received, quality good; warn: quality degraded;
 * fail: quality unusable (the stage failures are built in secure-media.ts).
 */

import { msg } from '../../messages/catalog.ts';
import type { MediaMode } from '../../protocol/relay-messages.ts';
import type { MediaReport } from '../../protocol/report.ts';
import type { CheckResult } from '../types.ts';
import { mosBandMessage, summaryOf } from '../words.ts';
import { computeMos } from './e-model.ts';
import { findGaps } from './gaps.ts';
import type { MediaSample } from './media-context.ts';
import type { ProbeSummary } from './probe-stats.ts';
import { describeTlsVersion, type MediaStatsSummary } from './reduce-stats.ts';
import { DEFAULT_LIMITS, type QualityLimits, rateQuality } from './thresholds.ts';

export interface MediaMetrics {
  stats: MediaStatsSummary;
  lossPercent: number | null;
  probes: ProbeSummary;
  samples: MediaSample[];
  timings: Record<string, number | null>;
  toneState: string;
  mode: MediaMode;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** The `media` object of the report: the figures a user or administrator reads. */
export function mediaSummary(m: MediaMetrics): MediaReport {
  const s = m.stats;
  // RTCP round trip first; the data-channel probes measure the same path and fill in when RTCP has none yet.
  const rttMs = s.rttMs ?? m.probes.rttMedianMs;
  const jitterMs = s.jitterMs ?? m.probes.jitterMs;
  const loss = m.lossPercent ?? m.probes.lossPercent;
  const codec = s.codec === 'pcmu' || s.codec === 'pcma' ? 'g711' : 'opus';
  const mos =
    rttMs !== null && jitterMs !== null && loss !== null
      ? computeMos({ rttMs, jitterMs, lossPercent: loss, codec })
      : null;
  return {
    encrypted: s.dtlsState === 'connected' || s.srtpCipher !== null,
    srtpCipher: s.srtpCipher,
    dtlsCipher: s.dtlsCipher,
    tlsVersion: describeTlsVersion(s.tlsVersion),
    dtlsRole: s.dtlsRole,
    transport: s.transport,
    candidateTypes: { local: s.localCandidateType, remote: s.remoteCandidateType },
    relayProtocol: s.relayProtocol,
    codec: s.codec,
    rttMs: round1(rttMs),
    rttSource: s.rttMs !== null ? s.rttSource : rttMs !== null ? 'datachannel-probes' : null,
    jitterMs: round1(jitterMs),
    lossPercent: round1(loss),
    mos: mos?.mos ?? null,
    mosBand: mos?.band ?? null,
    packetsSent: s.packetsSent,
    packetsReceived: s.packetsReceived,
    packetsLost: s.packetsLost,
    probes: m.probes,
    timings: m.timings,
    mode: m.mode,
    toneState: m.toneState,
    samples: m.samples,
    gaps: findGaps(m.samples),
  };
}

export function mediaResult(
  base: { id: string; title: string },
  m: MediaMetrics,
  durationMs: number,
  limits: QualityLimits = DEFAULT_LIMITS,
): CheckResult {
  const media = mediaSummary(m);
  const quality = rateQuality(
    { rttMs: media.rttMs, jitterMs: media.jitterMs, lossPercent: media.lossPercent, mos: media.mos },
    limits,
  );
  const data = { media } as Record<string, unknown>;
  const figures = msg(
    'media_figures',
    media.transport?.toUpperCase() ?? '?',
    media.rttMs ?? '?',
    media.jitterMs ?? '?',
    media.lossPercent ?? '?',
    media.mos ?? '?',
    mosBandMessage(media.mosBand),
  );
  if (!media.srtpCipher && m.stats.dtlsState !== null) {
    return {
      ...base,
      status: 'fail',
      reason: 'no-srtp',
      step: 'dtls',
      ...summaryOf(msg('sum_media_no_srtp')),
      durationMs,
      data,
    };
  }
  // UDP to the media ports seems blocked, so media fell back to TCP: said in the summary.
  const tcpNote = media.transport === 'tcp';
  if (quality.status === 'pass') {
    return {
      ...base,
      status: tcpNote ? 'warn' : 'pass',
      reason: tcpNote ? 'tcp-fallback' : 'ok',
      ...summaryOf(msg(tcpNote ? 'sum_media_ok_tcp' : 'sum_media_ok', media.srtpCipher ?? 'SRTP', figures)),
      durationMs,
      data,
    };
  }
  return {
    ...base,
    status: quality.status,
    step: quality.status === 'fail' ? 'media' : undefined,
    reason: quality.status === 'fail' ? 'poor-quality' : 'degraded-quality',
    ...summaryOf(
      msg(tcpNote ? 'sum_media_quality_tcp' : 'sum_media_quality', quality.reasons[0] ?? figures, figures),
    ),
    durationMs,
    data,
  };
}
