/**
 * Loss per direction from what each end counted. Pure.
 *
 * The echo alone measures the round trip: a packet lost on the way to the relay leaves a gap in the echoed
 * stream just as one lost on the way back does, so 10 % each way reads as 19 %. The relay tells what it
 * received (relay/core/receive-counts.ts, over the signalling WebSocket), which splits the two:
 *
 * - uplink (this computer to the relay): audio by the relay's RTP sequence numbers (received of the span
 *   they cover), data-channel probes by count (received of sent: the client asks after it stopped sending);
 * - round trip: audio by the browser's own counters of the echoed stream (its sequence-number gaps), probes
 *   by echoes of sent;
 * - downlink (the relay back to this computer): probes by echoes of what the relay received; audio from the
 *   other two, since what arrives is what survived both legs: (1 - round trip) = (1 - up) (1 - down).
 *
 * Audio and probes travel the same bundled transport at about 50 packets a second each, so each direction
 * pools both. Each figure comes with its 95 % interval (Wilson score): the quick check stops once that is
 * about ±2 points (media-window.ts), not the tenth of a percent it prints; the extended check's is about ±0.7.
 */
import type { LossFigure } from '../../protocol/report.ts';

export interface LossCounts {
  /** The browser's counters of the echoed audio stream (inbound-rtp). */
  echoedAudio: { received: number; lost: number };
  /** Data-channel probes: sent by the browser, and how many came back. */
  probes: { sent: number; echoed: number };
  /** What the relay received; null when it did not say (an older relay, or the question went unanswered). */
  relay: { rtp: { received: number; expected: number }; probes: { received: number } } | null;
}

export interface DirectionalLoss {
  uplink: LossFigure | null;
  downlink: LossFigure | null;
  roundTrip: LossFigure | null;
}

/** z for a two-sided 95 % interval. */
const Z95 = 1.96;
const round1 = (x: number) => Math.round(x * 10) / 10;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export interface Tally {
  packets: number;
  lost: number;
}

/** Wilson score interval for lost of packets, as fractions: good at the small proportions loss has. */
export function wilsonInterval({ packets, lost }: Tally): { p: number; low: number; high: number } | null {
  if (packets <= 0) return null;
  const n = packets;
  const p = clamp(lost / n, 0, 1);
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { p, low: clamp(centre - half, 0, 1), high: clamp(centre + half, 0, 1) };
}

/** The loss figure a report carries: percent, its counts, and its 95 % interval in percent. */
export function lossFigure(tally: Tally): LossFigure | null {
  const w = wilsonInterval(tally);
  if (!w) return null;
  return {
    percent: round1(w.p * 100),
    lost: Math.round(tally.lost),
    packets: tally.packets,
    low: round1(w.low * 100),
    high: round1(w.high * 100),
  };
}

const sum = (...tallies: Tally[]): Tally => ({
  packets: tallies.reduce((a, t) => a + t.packets, 0),
  lost: tallies.reduce((a, t) => a + t.lost, 0),
});

export function directionalLoss(c: LossCounts): DirectionalLoss {
  const audioRoundTrip: Tally = {
    packets: c.echoedAudio.received + c.echoedAudio.lost,
    lost: c.echoedAudio.lost,
  };
  const probeRoundTrip: Tally = {
    packets: c.probes.sent,
    lost: Math.max(0, c.probes.sent - c.probes.echoed),
  };
  const roundTrip = lossFigure(sum(audioRoundTrip, probeRoundTrip));
  if (c.relay === null) return { uplink: null, downlink: null, roundTrip };

  const { rtp, probes } = c.relay;
  const relayProbes = Math.min(probes.received, c.probes.sent);
  const audioUp: Tally = { packets: rtp.expected, lost: rtp.expected - rtp.received };
  const probeUp: Tally = { packets: c.probes.sent, lost: c.probes.sent - relayProbes };

  // Audio downlink from the two measured legs, over the packets the relay echoed.
  const up = audioUp.packets > 0 ? audioUp.lost / audioUp.packets : 0;
  const rt = audioRoundTrip.packets > 0 ? audioRoundTrip.lost / audioRoundTrip.packets : 0;
  const down = up < 1 ? clamp(1 - (1 - rt) / (1 - up), 0, 1) : 0;
  const audioDown: Tally = { packets: rtp.received, lost: rtp.received * down };
  const probeDown: Tally = {
    packets: relayProbes,
    lost: Math.max(0, relayProbes - Math.min(c.probes.echoed, relayProbes)),
  };
  return {
    uplink: lossFigure(sum(audioUp, probeUp)),
    downlink: lossFigure(sum(audioDown, probeDown)),
    roundTrip,
  };
}

/**
 * The figure a call's quality rests on: the worse one-way direction. The E-model (G.107) rates what one
 * listener hears, and each party hears one direction: the far end hears this network's uplink, the user its
 * downlink. Without the relay's counts, only the round trip is known, and it stands in (it overstates).
 */
export function scoredLoss(
  loss: DirectionalLoss,
): { basis: 'uplink' | 'downlink' | 'round-trip'; figure: LossFigure } | null {
  const { uplink, downlink, roundTrip } = loss;
  if (uplink && downlink) {
    return downlink.percent > uplink.percent
      ? { basis: 'downlink', figure: downlink }
      : { basis: 'uplink', figure: uplink };
  }
  return roundTrip ? { basis: 'round-trip', figure: roundTrip } : null;
}
