/**
 * Reduces a getStats() report of the audio loopback to the few numbers the media check reports.
 *
 * Input is the report as a plain array (`[...(await pc.getStats()).values()]`), so the function is pure,
 * runs on recorded fixtures and never touches a browser object. Shapes handled:
 * - spec / Chromium: `transport.selectedCandidatePairId` names the pair; the transport carries the DTLS
 *   state, TLS version, ciphers and role.
 * - Firefox: ESR 153 reports `transport` stats like Chromium, with the DTLS state, version, ciphers and role
 *   (it negotiates SRTP_AEAD_AES_128_GCM with the relay; the Firefox end-to-end tests check the cipher).
 *   Older Firefox had no transport stats, so its DTLS fields were null; its chosen pair has the non-standard
 *   `selected: true`.
 * - anything else: the nominated, succeeded pair that carried the most bytes.
 */

import { type AddressFamily, addressFamily } from '../address-family.ts';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type RttSource = 'remote-inbound-rtp' | 'candidate-pair';

export interface MediaStatsSummary {
  /** How media left this machine: the selected local candidate's protocol, or the TURN leg's for relays. */
  transport: 'udp' | 'tcp' | null;
  localCandidateType: CandidateType | null;
  remoteCandidateType: CandidateType | null;
  /** The relay's port of the chosen pair (its media port: the same number for UDP and ICE-TCP). */
  remotePort: number | null;
  /** The IP version of the relay's address in the chosen pair: which family the media crossed. */
  addressFamily: AddressFamily | null;
  /** Browser-to-TURN protocol ('udp' | 'tcp' | 'tls') when the local candidate is a relay. */
  relayProtocol: string | null;
  dtlsState: string | null;
  /** As reported: four hex digits, e.g. 'FEFD' for DTLS 1.2 (see describeTlsVersion). */
  tlsVersion: string | null;
  dtlsCipher: string | null;
  srtpCipher: string | null;
  dtlsRole: string | null;
  /** Audio RTP packets sent by the browser. */
  packetsSent: number;
  /** Audio RTP packets received back (the echo). */
  packetsReceived: number;
  /** Packets missing from the echoed stream (inbound-rtp packetsLost, never below 0). */
  packetsLost: number;
  /** Interarrival jitter of the echoed stream, ms. */
  jitterMs: number | null;
  rttMs: number | null;
  rttSource: RttSource | null;
  /** Fraction (0..1) of the browser's packets the far end reported lost in its last RTCP receiver report. */
  fractionLost: number | null;
  /** Payload bytes of the echoed stream. */
  bytesReceived: number;
  /** Codec of the echoed stream, lower case MIME subtype, e.g. 'opus', 'pcmu'. */
  codec: string | null;
}

type Stat = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** Seconds to milliseconds, rounded to the microsecond so float noise does not leak into reports. */
const ms = (seconds: number): number => Math.round(seconds * 1e6) / 1e3;

function isAudio(s: Stat): boolean {
  // `kind` is the spec name; older Chrome and Firefox only had `mediaType`.
  return (s.kind ?? s.mediaType) === 'audio';
}

/** The audio stream of a type with the most packets: robust if a renegotiation left an idle one behind. */
function busiestAudio(report: readonly Stat[], type: string, countField: string): Stat | undefined {
  let best: Stat | undefined;
  for (const s of report) {
    if (s.type !== type || !isAudio(s)) continue;
    if (!best || (num(s[countField]) ?? 0) > (num(best[countField]) ?? 0)) best = s;
  }
  return best;
}

const LEGACY_CANDIDATE_TYPES: Record<string, CandidateType> = {
  // Early webrtc-stats drafts, and the Firefox of that time, spelled the types out.
  serverreflexive: 'srflx',
  peerreflexive: 'prflx',
  relayed: 'relay',
};

function candidateType(c: Stat | undefined): CandidateType | null {
  const t = str(c?.candidateType);
  if (t === null) return null;
  if (t === 'host' || t === 'srflx' || t === 'prflx' || t === 'relay') return t;
  return LEGACY_CANDIDATE_TYPES[t] ?? null;
}

/** The stat an id field points at; a missing id must not match a stat that has no id either. */
function byId(report: readonly Stat[], id: unknown): Stat | undefined {
  const wanted = str(id);
  return wanted === null ? undefined : report.find((s) => s.id === wanted);
}

function pairBytes(p: Stat): number {
  return (num(p.bytesSent) ?? 0) + (num(p.bytesReceived) ?? 0);
}

function selectedPair(report: readonly Stat[], transport: Stat | undefined): Stat | undefined {
  const pairs = report.filter((s) => s.type === 'candidate-pair');
  const namedId = str(transport?.selectedCandidatePairId);
  if (namedId !== null) {
    const pair = pairs.find((p) => p.id === namedId);
    if (pair) return pair;
  }
  const firefox = pairs.find((p) => p.selected === true);
  if (firefox) return firefox;
  const nominated = pairs.filter((p) => p.nominated === true && p.state === 'succeeded');
  return nominated.reduce<Stat | undefined>(
    (best, p) => (!best || pairBytes(p) > pairBytes(best) ? p : best),
    undefined,
  );
}

/** A candidate's port; old drafts (and the Firefox of that time) named it portNumber. */
function portOf(c: Stat | undefined): number | null {
  const port = num(c?.port) ?? num(c?.portNumber);
  return port !== null && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : null;
}

function transportOf(local: Stat | undefined, relayProtocol: string | null): 'udp' | 'tcp' | null {
  if (candidateType(local) === 'relay' && relayProtocol !== null) {
    // A relay candidate's `protocol` is the TURN server's leg to the peer (always UDP); what crosses the
    // user's firewall is the leg to the TURN server, and TLS runs over TCP.
    return relayProtocol === 'udp' ? 'udp' : 'tcp';
  }
  // Early drafts (and Firefox then) named the field `transport`.
  const p = str(local?.protocol ?? local?.transport)?.toLowerCase();
  return p === 'udp' || p === 'tcp' ? p : null;
}

/**
 * RTT from the far end's RTCP receiver reports, else the ICE consent checks on the selected pair.
 * A remote-inbound-rtp RTT of exactly 0, or one with no measurements yet, is treated as absent: Firefox
 * has reported 0 there, which would inflate the MOS (VLprojects/webrtc-issue-detector#12).
 */
function roundTrip(
  remoteInbound: Stat | undefined,
  pair: Stat | undefined,
): { rttMs: number | null; rttSource: RttSource | null } {
  const rtcp = num(remoteInbound?.roundTripTime);
  const measurements = num(remoteInbound?.roundTripTimeMeasurements);
  if (rtcp !== null && rtcp > 0 && measurements !== 0) {
    return { rttMs: ms(rtcp), rttSource: 'remote-inbound-rtp' };
  }
  const ice = num(pair?.currentRoundTripTime);
  if (ice !== null && ice >= 0) return { rttMs: ms(ice), rttSource: 'candidate-pair' };
  return { rttMs: null, rttSource: null };
}

function codecName(report: readonly Stat[], rtp: Stat | undefined): string | null {
  const codec = byId(report, rtp?.codecId);
  const mime = codec?.type === 'codec' ? str(codec.mimeType) : null;
  if (mime === null) return null;
  return (mime.split('/')[1] ?? mime).toLowerCase();
}

export function reduceStats(report: ReadonlyArray<Record<string, unknown>>): MediaStatsSummary {
  const inbound = busiestAudio(report, 'inbound-rtp', 'packetsReceived');
  const outbound = busiestAudio(report, 'outbound-rtp', 'packetsSent');
  const remoteInbound = busiestAudio(report, 'remote-inbound-rtp', 'roundTripTimeMeasurements');

  // With BUNDLE there is a single transport; without it, take the one the audio stream names.
  const transports = report.filter((s) => s.type === 'transport');
  const transportId = str(inbound?.transportId);
  const transport =
    transports.find((t) => transportId !== null && t.id === transportId) ??
    transports.find((t) => str(t.selectedCandidatePairId) !== null) ??
    transports[0];

  const pair = selectedPair(report, transport);
  const local = byId(report, pair?.localCandidateId);
  const remote = byId(report, pair?.remoteCandidateId);
  const relayProtocol =
    candidateType(local) === 'relay' ? (str(local?.relayProtocol)?.toLowerCase() ?? null) : null;

  const jitter = num(inbound?.jitter);
  const fractionLost = num(remoteInbound?.fractionLost);

  return {
    transport: transportOf(local, relayProtocol),
    localCandidateType: candidateType(local),
    remoteCandidateType: candidateType(remote),
    remotePort: portOf(remote),
    // `address` in the spec; `ip` in older Chromium, `ipAddress` in early drafts.
    addressFamily: addressFamily(str(remote?.address ?? remote?.ip ?? remote?.ipAddress)),
    relayProtocol,
    dtlsState: str(transport?.dtlsState),
    tlsVersion: str(transport?.tlsVersion),
    dtlsCipher: str(transport?.dtlsCipher),
    srtpCipher: str(transport?.srtpCipher),
    dtlsRole: str(transport?.dtlsRole),
    packetsSent: num(outbound?.packetsSent) ?? 0,
    packetsReceived: num(inbound?.packetsReceived) ?? 0,
    // RTP's cumulative loss goes negative when duplicates arrive; a negative loss means none lost.
    packetsLost: Math.max(0, num(inbound?.packetsLost) ?? 0),
    jitterMs: jitter === null ? null : ms(jitter),
    ...roundTrip(remoteInbound, pair),
    fractionLost,
    bytesReceived: num(inbound?.bytesReceived) ?? 0,
    codec: codecName(report, inbound),
  };
}

/**
 * Loss over the whole loopback, in percent, or null before anything was expected.
 *
 * Uses the echoed stream's inbound counters: the relay forwards RTP with a constant sequence-number offset
 * (werift's RTCRtpSender), so a packet lost on the way up leaves a gap on the way down too, and this counts
 * loss on both legs, which is what a caller on this network would hear. `fractionLost` from
 * remote-inbound-rtp only covers the upstream leg and only the last RTCP interval, so it is not used.
 */
export function lossPercent(
  summary: Pick<MediaStatsSummary, 'packetsLost' | 'packetsReceived'>,
): number | null {
  const expected = summary.packetsReceived + summary.packetsLost;
  if (expected <= 0) return null;
  return (summary.packetsLost / expected) * 100;
}

const TLS_VERSIONS: Record<string, string> = {
  FEFF: 'DTLS 1.0',
  FEFD: 'DTLS 1.2',
  FEFC: 'DTLS 1.3',
  '0303': 'TLS 1.2',
  '0304': 'TLS 1.3',
};

/** 'FEFD' → 'DTLS 1.2'. The stats carry the wire bytes, which do not read as version numbers for DTLS. */
export function describeTlsVersion(tlsVersion: string | null): string | null {
  if (tlsVersion === null) return null;
  return TLS_VERSIONS[tlsVersion.toUpperCase()] ?? tlsVersion;
}
