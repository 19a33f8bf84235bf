/**
 * The media check's verdict and evidence from what the loopback measured. Pure.
 * pass: DTLS connected, SRTP negotiated, echo received, quality good; warn: quality degraded;
 * fail: quality unusable (the stage failures are built in secure-media.ts).
 */

import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import {
  type MediaRow,
  mediaRowFor,
  type Profile,
  type ProfileId,
  profileById,
} from '../../profiles/index.ts';
import type { MediaMode, StandIn } from '../../protocol/relay-messages.ts';
import type { LossSecond, MediaReport } from '../../protocol/report.ts';
import type { CheckResult } from '../types.ts';
import { mediaRowPurpose, mosBandMessage, profileNameMessage, summaryOf } from '../words.ts';
import { type DirectionalLoss, scoredLoss } from './directional-loss.ts';
import { computeMos } from './e-model.ts';
import { findGaps } from './gaps.ts';
import type { MediaSample } from './media-context.ts';
import type { ProbeSummary } from './probe-stats.ts';
import { describeTlsVersion, type MediaStatsSummary } from './reduce-stats.ts';
import { DEFAULT_LIMITS, type QualityLimits, rateQuality } from './thresholds.ts';

export interface MediaMetrics {
  stats: MediaStatsSummary;
  /** Round-trip loss of the echoed audio (the browser's counters). */
  lossPercent: number | null;
  /** Loss per direction, from the browser's and the relay's counts (directional-loss.ts). */
  loss: DirectionalLoss;
  probes: ProbeSummary;
  samples: MediaSample[];
  /** Loss per direction second by second (loss-per-second.ts), when the relay counted by the second. */
  lossPerSecond?: LossSecond[];
  timings: Record<string, number | null>;
  toneState: string;
  mode: MediaMode;
  /** The port profile the check is for: which media row the relay's media port stands in for. */
  profile: ProfileId;
  /** The provider's range the relay said its media port stands in for (a relay on high ports), else null. */
  standsFor: StandIn | null;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function mosOf(m: MediaMetrics, rttMs: number | null, jitterMs: number | null, lossPercent: number | null) {
  const codec = m.stats.codec === 'pcmu' || m.stats.codec === 'pcma' ? 'g711' : 'opus';
  return rttMs !== null && jitterMs !== null && lossPercent !== null
    ? computeMos({ rttMs, jitterMs, lossPercent, codec })
    : null;
}

/**
 * The profile's media row the port stands in for: from a relay whose media ports are stand-ins (on high
 * ports), the one holding the range the relay named, whatever row the port's own number falls in (npm
 * start's 56000 lies in the apps' RTP range 50000-59999); else the one holding the port.
 */
function mediaRowOf(profile: Profile, port: number, standsFor: StandIn | null): MediaRow | null {
  if (!standsFor) return mediaRowFor(profile, port);
  const row = mediaRowFor(profile, standsFor.from);
  return row && standsFor.to <= row.range.to ? row : null;
}

/** The `media` object of the report: the figures a user or administrator reads. */
export function mediaSummary(m: MediaMetrics): MediaReport {
  const s = m.stats;
  // The round trip from the most samples: RTCP receiver reports first, then the median of the data-channel
  // probes' echoes (about 50 a second on the same path). The ICE checks' figure only when neither measured: it
  // is the last one or two STUN checks, taken while the connection was being set up and the relay was busiest,
  // and the quick check often ends before the first RTCP report, so one slow setup check read as the call's
  // round trip (a 160 ms "warning" on loopback, where the probes' median was 3 ms).
  const rtcpMs = s.rttSource === 'remote-inbound-rtp' ? s.rttMs : null;
  const rttMs = rtcpMs ?? m.probes.rttMedianMs ?? s.rttMs;
  const rttSource =
    rtcpMs !== null
      ? 'remote-inbound-rtp'
      : m.probes.rttMedianMs !== null
        ? 'datachannel-probes'
        : rttMs !== null
          ? s.rttSource
          : null;
  const jitterMs = s.jitterMs ?? m.probes.jitterMs;
  // The worse one-way direction when the relay said what it received; else the round trip (overstated).
  const scored = scoredLoss(m.loss);
  const loss = scored?.figure.percent ?? m.lossPercent ?? m.probes.lossPercent;
  const mos = mosOf(m, rttMs, jitterMs, loss);
  const profile = profileById(m.profile);
  const standsFor = s.remotePort !== null && profile ? mediaRowOf(profile, s.remotePort, m.standsFor) : null;
  return {
    encrypted: s.dtlsState === 'connected' || s.srtpCipher !== null,
    srtpCipher: s.srtpCipher,
    dtlsCipher: s.dtlsCipher,
    tlsVersion: describeTlsVersion(s.tlsVersion),
    dtlsRole: s.dtlsRole,
    transport: s.transport,
    mediaPort: s.remotePort,
    addressFamily: s.addressFamily,
    mediaPortRange: standsFor
      ? { row: standsFor.row.id, from: standsFor.range.from, to: standsFor.range.to }
      : null,
    candidateTypes: { local: s.localCandidateType, remote: s.remoteCandidateType },
    relayProtocol: s.relayProtocol,
    codec: s.codec,
    rttMs: round1(rttMs),
    rttSource,
    jitterMs: round1(jitterMs),
    lossPercent: round1(loss),
    loss: { ...m.loss, scored: scored?.basis ?? (loss === null ? null : 'round-trip') },
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
    ...(m.lossPerSecond?.length ? { lossPerSecond: m.lossPerSecond } : {}),
  };
}

/** The figures in one line; loss per direction, with what the sample resolves, when the relay said. */
export function figuresOf(media: MediaReport): Message {
  // "UDP/IPv6": the transport and the IP version media crossed, when the browser named the relay's address.
  const family = media.addressFamily ? `/${media.addressFamily}` : '';
  const transport = `${media.transport?.toUpperCase() ?? '?'}${family}`;
  const mos = mosBandMessage(media.mosBand);
  const up = media.loss?.uplink;
  const down = media.loss?.downlink;
  if (up && down) {
    const plusMinus = Math.max(up.high - up.low, down.high - down.low) / 2;
    return msg(
      'media_figures_oneway',
      transport,
      media.rttMs ?? '?',
      media.jitterMs ?? '?',
      up.percent,
      down.percent,
      plusMinus,
      media.mos ?? '?',
      mos,
    );
  }
  return msg(
    'media_figures',
    transport,
    media.rttMs ?? '?',
    media.jitterMs ?? '?',
    media.lossPercent ?? '?',
    media.mos ?? '?',
    mos,
  );
}

/**
 * Which relay port media went to and the provider's range it stands in for, as a sentence (null when the
 * browser did not say): the range whose firewall rule the check's media really crossed.
 */
function mediaPortMessage(media: MediaReport, profileId: ProfileId): Message | null {
  const port = media.mediaPort ?? null;
  if (port === null) return null;
  const r = media.mediaPortRange ?? null;
  const row = r ? profileById(profileId)?.rows.find((x) => x.id === r.row) : undefined;
  if (r && row) {
    const rule = msg('port_rule_for', 'UDP', `${r.from}-${r.to}`, mediaRowPurpose(row));
    return msg(media.transport === 'tcp' ? 'media_port_tcp_for_row' : 'media_port_for_row', port, rule);
  }
  const transport = media.transport?.toUpperCase() ?? 'UDP';
  return msg('media_port_no_row', transport, port, profileNameMessage(profileId) ?? msg('common_unknown'));
}

export function mediaResult(
  base: { id: string; title: string },
  m: MediaMetrics,
  durationMs: number,
  limits: QualityLimits = DEFAULT_LIMITS,
): CheckResult {
  const media = mediaSummary(m);
  // What the sample cannot rule out: a short check fails on loss only if even its low end fails.
  const scored = scoredLoss(m.loss)?.figure ?? null;
  const optimistic = scored
    ? { loss: scored, mos: mosOf(m, media.rttMs, media.jitterMs, scored.low)?.mos ?? null }
    : undefined;
  const quality = rateQuality(
    { rttMs: media.rttMs, jitterMs: media.jitterMs, lossPercent: media.lossPercent, mos: media.mos },
    limits,
    optimistic,
  );
  const data = { media } as Record<string, unknown>;
  const figures = figuresOf(media);
  const port = mediaPortMessage(media, m.profile);
  // Every summary ends with the media port, so the report says which firewall rule the audio crossed.
  const withPort = (message: Message) => summaryOf(port ? msg('join_sentences', [message, port]) : message);
  if (!media.srtpCipher && m.stats.dtlsState !== null) {
    return {
      ...base,
      status: 'fail',
      reason: 'no-srtp',
      step: 'dtls',
      ...withPort(msg('sum_media_no_srtp')),
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
      ...withPort(msg(tcpNote ? 'sum_media_ok_tcp' : 'sum_media_ok', media.srtpCipher ?? 'SRTP', figures)),
      durationMs,
      data,
    };
  }
  return {
    ...base,
    status: quality.status,
    step: quality.status === 'fail' ? 'media' : undefined,
    reason: quality.status === 'fail' ? 'poor-quality' : 'degraded-quality',
    ...withPort(
      msg(tcpNote ? 'sum_media_quality_tcp' : 'sum_media_quality', quality.reasons[0] ?? figures, figures),
    ),
    durationMs,
    data,
  };
}
