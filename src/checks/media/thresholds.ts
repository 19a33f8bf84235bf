/**
 * Pass/warn/fail limits for the audio loopback. "Good" limits are exclusive upper bounds (RTT 99.9 ms passes,
 * 100 ms warns); MOS limits are inclusive lower bounds (4.0 passes). Every number names its source.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { QualityLimits } from '../../protocol/runtime-messages.ts';

/**
 * Round trip below this is good. Microsoft's Teams network targets (client to Microsoft's edge): RTT
 * < 100 ms, jitter < 30 ms, loss < 1 % over 15 s (learn.microsoft.com, "Prepare your network for Teams").
 */
export const RTT_GOOD_MS = 100;
/**
 * Round trip at or above this fails. ITU-T G.114 (05/2003): keep one-way mouth-to-ear delay at or below
 * 150 ms for most applications, so about 300 ms round trip; Daily's testCallQuality uses the same 300 ms.
 */
export const RTT_WARN_MS = 300;

/** Loss below this percentage is good. Teams network target (see RTT_GOOD_MS). */
export const LOSS_GOOD_PERCENT = 1;
/**
 * Loss at or above this percentage fails. Daily's testCallQuality passes below 5 % and Jitsi's pre-join
 * audio test uses 0.05; by G.107 with G.113 Appendix I, 5 % random loss on G.711 with PLC costs
 * 95 * 5 / (5 + 25.1) = 15.8 R points, which pushes an otherwise perfect call below R 80 (G.109 "satisfied").
 */
export const LOSS_WARN_PERCENT = 5;

/** Jitter below this is good. Teams network target (see RTT_GOOD_MS); also Twilio's high-jitter warning. */
export const JITTER_GOOD_MS = 30;
/**
 * Jitter at or above this fails. Our choice, no single external source: a jitter buffer sized at twice the
 * jitter (see e-model.ts) then adds at least 100 ms one way, two thirds of G.114's 150 ms budget on its own.
 * 8x8 calls jitter above 40 ms "severe" (NetUtil documentation), so 50 ms is on the lenient side.
 */
export const JITTER_WARN_MS = 50;

/**
 * MOS at or above this passes. G.107 Annex B maps R = 80, the lower edge of G.109's "users satisfied"
 * category, to MOS 4.03.
 */
export const MOS_PASS = 4.0;
/** MOS at or above this warns, below it fails. R = 70, G.109's "some users dissatisfied" edge, is 3.60. */
export const MOS_WARN = 3.6;

export type QualityStatus = 'pass' | 'warn' | 'fail';

export interface QualityMetrics {
  rttMs: number | null;
  jitterMs: number | null;
  lossPercent: number | null;
  mos: number | null;
}

/**
 * What the sample cannot rule out: loss as low as the bottom of its 95 % interval, and the MOS that loss
 * would give. A metric fails only if it fails there too; otherwise it warns (a three-second check measuring
 * 5.6 % cannot tell it from 3 %).
 */
export interface Optimistic {
  /** The loss figure's 95 % interval, in percent. */
  loss: { low: number; high: number } | null;
  /** The MOS at the interval's low end. */
  mos: number | null;
}

export interface QualityRating {
  /** The worst status over the metrics that were measured. */
  status: QualityStatus;
  /** One plain-words line per metric that did not pass, worst first. */
  reasons: Message[];
  /** Status per metric; null when the metric was not measured (it then does not affect the verdict). */
  byMetric: Record<keyof QualityMetrics, QualityStatus | null>;
}

const RANK: Record<QualityStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** Rates a value against an exclusive "good" bound and an exclusive "warn" bound; lower is better. */
function upperBound(value: number, good: number, warn: number): QualityStatus {
  if (value < good) return 'pass';
  return value < warn ? 'warn' : 'fail';
}

function atLeast(value: number, pass: number, warn: number): QualityStatus {
  if (value >= pass) return 'pass';
  return value >= warn ? 'warn' : 'fail';
}

/** The limits a rating uses (src/protocol/runtime-messages.ts); the "good" ones can come from settings or policy. */
export type { QualityLimits };

export const DEFAULT_LIMITS: QualityLimits = {
  rttGoodMs: RTT_GOOD_MS,
  rttWarnMs: RTT_WARN_MS,
  lossGoodPercent: LOSS_GOOD_PERCENT,
  lossWarnPercent: LOSS_WARN_PERCENT,
  jitterGoodMs: JITTER_GOOD_MS,
  jitterWarnMs: JITTER_WARN_MS,
  mosPass: MOS_PASS,
  mosWarn: MOS_WARN,
};

/**
 * Limits with configured "good" values. A warn limit never sits on the wrong side of its good limit: if an
 * administrator loosens "good" past the default warn limit, the warn band collapses rather than inverts.
 */
export function limitsFrom(good: {
  rttGoodMs: number;
  lossGoodPercent: number;
  jitterGoodMs: number;
  mosPass: number;
}): QualityLimits {
  return {
    rttGoodMs: good.rttGoodMs,
    rttWarnMs: Math.max(RTT_WARN_MS, good.rttGoodMs),
    lossGoodPercent: good.lossGoodPercent,
    lossWarnPercent: Math.max(LOSS_WARN_PERCENT, good.lossGoodPercent),
    jitterGoodMs: good.jitterGoodMs,
    jitterWarnMs: Math.max(JITTER_WARN_MS, good.jitterGoodMs),
    mosPass: good.mosPass,
    mosWarn: Math.min(MOS_WARN, good.mosPass),
  };
}

interface Rule {
  metric: keyof QualityMetrics;
  rate(value: number, l: QualityLimits): QualityStatus;
  reason(value: number, status: Exclude<QualityStatus, 'pass'>, l: QualityLimits): Message;
}

const RULES: readonly Rule[] = [
  {
    metric: 'rttMs',
    rate: (v, l) => upperBound(v, l.rttGoodMs, l.rttWarnMs),
    reason: (v, s, l) => msg('quality_rtt', v, s === 'warn' ? l.rttGoodMs : l.rttWarnMs),
  },
  {
    metric: 'lossPercent',
    rate: (v, l) => upperBound(v, l.lossGoodPercent, l.lossWarnPercent),
    reason: (v, s, l) => msg('quality_loss', v, s === 'warn' ? l.lossGoodPercent : l.lossWarnPercent),
  },
  {
    metric: 'jitterMs',
    rate: (v, l) => upperBound(v, l.jitterGoodMs, l.jitterWarnMs),
    reason: (v, s, l) => msg('quality_jitter', v, s === 'warn' ? l.jitterGoodMs : l.jitterWarnMs),
  },
  {
    metric: 'mos',
    rate: (v, l) => atLeast(v, l.mosPass, l.mosWarn),
    reason: (v, s, l) => msg('quality_mos', v, s === 'warn' ? l.mosPass : l.mosWarn),
  },
];

export function rateQuality(
  metrics: QualityMetrics,
  limits: QualityLimits = DEFAULT_LIMITS,
  optimistic?: Optimistic,
): QualityRating {
  const findings: Array<{ status: QualityStatus; reason: Message }> = [];
  const byMetric: QualityRating['byMetric'] = { rttMs: null, jitterMs: null, lossPercent: null, mos: null };

  for (const rule of RULES) {
    const value = metrics[rule.metric];
    // NaN or a missing value is "not measured", never a pass or a fail.
    if (value === null || !Number.isFinite(value)) continue;
    let status = rule.rate(value, limits);
    let reason = status === 'pass' ? null : rule.reason(value, status, limits);
    const best =
      rule.metric === 'lossPercent' ? optimistic?.loss?.low : rule.metric === 'mos' ? optimistic?.mos : null;
    if (status === 'fail' && best != null && Number.isFinite(best) && rule.rate(best, limits) !== 'fail') {
      status = 'warn';
      const range = optimistic?.loss;
      reason =
        rule.metric === 'lossPercent' && range
          ? msg('quality_loss_unresolved', value, limits.lossWarnPercent, range.low, range.high)
          : rule.reason(value, status, limits);
    }
    byMetric[rule.metric] = status;
    if (reason) findings.push({ status, reason });
  }

  // Array.prototype.sort is stable: worst first, ties keep the RULES order.
  findings.sort((a, b) => RANK[b.status] - RANK[a.status]);
  return { status: findings[0]?.status ?? 'pass', reasons: findings.map((f) => f.reason), byMetric };
}
