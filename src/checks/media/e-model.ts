/**
 * Call quality (R and MOS) from the ITU-T G.107 E-model, written from the formulas of the Recommendation:
 *
 *   R = Ro - Is - Id - Ie,eff + A
 *
 * The variant used here, term by term:
 * - Ro - Is: every G.107 default (SLR 8 dB, RLR 2 dB, Nc -70 dBm0, Ps = Pr = 35 dB(A), ...) gives
 *   Ro of about 94.8 and Is of about 1.4. We measure nothing those terms depend on, so they stay there.
 * - Id = Idte + Idle + Idd. Idte (talker echo) and Idle (listener echo) are kept at their default-condition
 *   values (T = Tr = 0: Idte = 0, Idle = 0.15) and folded into the base, which gives G.107's well-known
 *   maximum R = 93.2 for the default connection. Why: WebRTC and the provider's SIP phones run echo
 *   cancellation, and a browser cannot measure TELR or WEPL; letting T grow with default TELR 65 dB would
 *   charge up to about 3 R points for echo nobody hears. Only Idd (pure delay) depends on what we measure.
 * - Idd follows G.107 (06/2015) with the default delay-sensitivity parameters mT = 100 ms and sT = 1:
 *   0 for Ta <= 100 ms, else 25 * ((1 + X^6)^(1/6) - 3 * (1 + (X/3)^6)^(1/6) + 2) with X = log2(Ta / 100).
 * - Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl), with BurstR = 1: cumulative RTP counters cannot
 *   tell bursty from random loss, and G.107 says BurstR = 1 for random loss.
 * - A (advantage factor) = 0: a desk or softphone on a wired or Wi-Fi network, no mobility advantage.
 * - MOS from R by G.107 Annex B: 1 + 0.035R + 7e-6 R (R - 60)(100 - R), 1 below R = 0, 4.5 above R = 100.
 *
 * Ta (absolute one-way delay) is estimated from what a WebRTC loopback measures, see oneWayDelayMs().
 */

export type EModelCodec = 'opus' | 'g711';

export interface CodecParameters {
  /** Equipment impairment factor without loss (G.107 Ie). */
  ie: number;
  /** Packet-loss robustness factor (G.107 Bpl). */
  bpl: number;
  /** One-way delay the codec adds: packetisation (frame) plus encoder look-ahead, in ms. */
  codecDelayMs: number;
}

export const CODEC_PARAMETERS: Readonly<Record<EModelCodec, Readonly<CodecParameters>>> = {
  // ITU-T G.113 Appendix I (provisional planning values): G.711 with packet loss concealment
  // (G.711 Appendix I) has Ie = 0 and Bpl = 25.1 under random loss. 20 ms frames (ptime 20, the WebRTC
  // and SIP default), no look-ahead.
  g711: { ie: 0, bpl: 25.1, codecDelayMs: 20 },
  // ESTIMATE: the ITU-T has published no narrowband Ie/Bpl for Opus. Ie = 0 because WebRTC's Opus
  // (about 32 kbit/s, wideband or better) is at least as good as G.711 when nothing is lost, and the
  // narrowband G.107 scale cannot credit it for being better. Bpl = 20 is the value the rtcscore models
  // use for Opus with in-band FEC (ggarber/rtcscore src/rtc_mos.js, livekit/rtcscore-go
  // pkg/rtcmos/audioscore.go: 20 with FEC, 10 without); browsers negotiate useinbandfec=1 by default.
  // Published per-bitrate Opus factors (Alahmadi, Pocta and Melvin 2021, doi:10.1145/3458751) are on the
  // wideband E-model scale of G.107.1, so they cannot be plugged in here. Delay: 20 ms frames plus the
  // 6.5 ms look-ahead that makes Opus's default 26.5 ms algorithmic delay (RFC 6716).
  opus: { ie: 0, bpl: 20, codecDelayMs: 26.5 },
};

/** Ro - Is - Idte - Idle at every G.107 default; G.107 gives R = 93.2 for that connection (file comment). */
export const R_BASE = 93.2;
/** G.107 advantage factor; 0 for conventional wired and Wi-Fi access. */
export const ADVANTAGE_FACTOR = 0;
/** G.107 burst ratio; 1 means random loss, the only kind cumulative counters let us assume. */
export const BURST_RATIO = 1;
/**
 * Jitter buffer delay is estimated as this many times the RFC 3550 interarrival jitter. A receiver sizes
 * its buffer to a high percentile of delay variation, and the mean deviation (what RTCP jitter is) is well
 * below that; twice the jitter is the usual planning figure (Twilio's mos.ts uses the same factor).
 */
export const JITTER_BUFFER_FACTOR = 2;
/** A jitter buffer never holds less than about one 20 ms packet, even on a perfectly smooth network. */
export const MIN_JITTER_BUFFER_MS = 20;

export type MosBand = 'excellent' | 'good' | 'fair' | 'poor' | 'bad';

/**
 * Lower bounds, best band first. A MOS belongs to the first band whose bound it reaches, so the bands are
 * contiguous by construction and nothing can fall between two of them. The bounds are the MOS values of
 * the G.109 R categories rounded (R 90, 80, 70, 60 give MOS 4.34, 4.03, 3.60, 3.10 by Annex B).
 */
export const MOS_BANDS: ReadonlyArray<{ readonly band: MosBand; readonly min: number }> = [
  { band: 'excellent', min: 4.3 },
  { band: 'good', min: 4.0 },
  { band: 'fair', min: 3.6 },
  { band: 'poor', min: 3.1 },
  { band: 'bad', min: Number.NEGATIVE_INFINITY },
];

export interface MosInput {
  rttMs: number;
  jitterMs: number;
  lossPercent: number;
  codec: EModelCodec;
}

export interface MosResult {
  /** Transmission rating R, rounded to 2 decimals. */
  r: number;
  /** Mean opinion score (conversational, 1..4.5), rounded to 2 decimals; the band comes from this value. */
  mos: number;
  band: MosBand;
  /** Estimated mouth-to-ear delay Ta, ms, rounded to 1 decimal. */
  oneWayDelayMs: number;
  /** Delay impairment Id (here Idd only), rounded to 2 decimals. */
  id: number;
  /** Codec impairment without loss. */
  ie: number;
  /** Effective equipment impairment with loss, rounded to 2 decimals. */
  ieEff: number;
}

function requireFinite(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
  return value;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Ta: half the round trip (the network leg one way) + jitter buffer + codec delay. */
export function oneWayDelayMs(rttMs: number, jitterMs: number, codec: EModelCodec): number {
  const jitterBuffer = Math.max(MIN_JITTER_BUFFER_MS, JITTER_BUFFER_FACTOR * Math.max(0, jitterMs));
  return Math.max(0, rttMs) / 2 + jitterBuffer + CODEC_PARAMETERS[codec].codecDelayMs;
}

/** G.107 Idd for an absolute one-way delay Ta in ms (mT = 100 ms, sT = 1). */
export function delayImpairment(taMs: number): number {
  if (taMs <= 100) return 0;
  const x = Math.log2(taMs / 100);
  return 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2);
}

/** G.107 Ie,eff for a loss percentage Ppl (0..100). */
export function effectiveEquipmentImpairment(ie: number, bpl: number, lossPercent: number): number {
  const ppl = Math.min(100, Math.max(0, lossPercent));
  return ie + ((95 - ie) * ppl) / (ppl / BURST_RATIO + bpl);
}

/** G.107 Annex B. Clamped below at 1 too: the cubic dips under 1 for 0 < R < 6.5. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r));
}

export function bandForMos(mos: number): MosBand {
  requireFinite('mos', mos);
  const found = MOS_BANDS.find((b) => mos >= b.min);
  // Unreachable: the last bound is -Infinity and mos is finite.
  if (!found) throw new RangeError(`no band for MOS ${mos}`);
  return found.band;
}

export function computeMos(input: MosInput): MosResult {
  const rttMs = requireFinite('rttMs', input.rttMs);
  const jitterMs = requireFinite('jitterMs', input.jitterMs);
  const lossPercent = requireFinite('lossPercent', input.lossPercent);
  const { ie, bpl } = CODEC_PARAMETERS[input.codec];

  const ta = oneWayDelayMs(rttMs, jitterMs, input.codec);
  const id = delayImpairment(ta);
  const ieEff = effectiveEquipmentImpairment(ie, bpl, lossPercent);
  const r = R_BASE - id - ieEff + ADVANTAGE_FACTOR;
  const mos = round(mosFromR(r), 2);

  return {
    r: round(r, 2),
    mos,
    band: bandForMos(mos),
    oneWayDelayMs: round(ta, 1),
    id: round(id, 2),
    ie,
    ieEff: round(ieEff, 2),
  };
}
