/**
 * UDP reachability of ports through ICE connectivity checks: the browser is told the relay is an ICE-lite
 * peer at address:port with known credentials, and sends authenticated STUN checks there. If one is answered,
 * the port is open. Runs where RTCPeerConnection exists (offscreen document, background page, a web page).
 *
 * Several ports share one peer connection, each on its own transport (one unbundled m-line per port, one
 * candidate each): Chromium lets a page create at most 500 peer connections and counts a closed one until
 * it is garbage-collected, so one connection per port (dozens per run) made a few checks in a row fail with
 * "Cannot create so many PeerConnections". One transport per port keeps the ports apart: ICE prunes other
 * candidates of a transport once one answers, so ports sharing a transport would go unchecked.
 */
import type { IceCredentials, IceProbeResult, IceProbeTarget } from '../../protocol/runtime-messages.ts';
import { errorText } from '../error-text.ts';
import { LATE, within } from '../within.ts';
import { isMdnsName } from './nat.ts';

export type { IceCredentials, IceProbeResult, IceProbeTarget };

/** Ports per peer connection: ~100 sampled ports of a profile take 7 connections. */
export const PORTS_PER_CONNECTION = 16;

/** How long one read of the browser's statistics may take; a late one is skipped, the deadline still holds. */
const STATS_MS = 2000;

// Only the format matters: the probe never reaches DTLS, so no certificate has to match.
const DUMMY_FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, '0'))
  .join(':')
  .toUpperCase();

const candidateLine = (t: IceProbeTarget, i: number) =>
  `a=candidate:${i + 1} 1 udp ${2130706431 - i} ${t.address} ${t.relayPort} typ host`;

const connectionLine = (address: string) => `c=IN ${address.includes(':') ? 'IP6' : 'IP4'} ${address}`;

const sessionLines = ['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=ice-lite'];

const credentialLines = (creds: IceCredentials) => [
  `a=ice-ufrag:${creds.ufrag}`,
  `a=ice-pwd:${creds.pwd}`,
  `a=fingerprint:sha-256 ${DUMMY_FINGERPRINT}`,
  'a=setup:passive',
];

/** The relay's side as an SDP answer to a data-channel-only offer, one host candidate per target. Pure. */
export function probeAnswerSdp(
  offerSdp: string,
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
): string {
  const mid = /^a=mid:(\S+)/m.exec(offerSdp)?.[1] ?? '0';
  return [
    ...sessionLines,
    `a=group:BUNDLE ${mid}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    connectionLine(targets[0]?.address ?? '0.0.0.0'),
    `a=mid:${mid}`,
    ...credentialLines(creds),
    'a=sctp-port:5000',
    ...targets.map(candidateLine),
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

/** One media section of an offer: its mid, transport protocol and first codec (the answer must pick one). */
interface OfferSection {
  mid: string;
  proto: string;
  payload: string;
  rtpmap: string;
}

/** The audio sections of an offer, in order. Pure; the offer is this browser's own. */
export function offerSections(offerSdp: string): OfferSection[] {
  const out: OfferSection[] = [];
  for (const section of offerSdp.split(/\r?\nm=/).slice(1)) {
    const [mline = ''] = section.split(/\r?\n/, 1);
    const [kind, , proto, payload] = mline.split(' ');
    if (kind !== 'audio' || !proto || !payload) continue;
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    const rtpmap = new RegExp(`^a=rtpmap:${payload} (\\S+)`, 'm').exec(section)?.[1];
    if (mid && rtpmap) out.push({ mid, proto, payload, rtpmap });
  }
  return out;
}

/**
 * The relay's side for several ports at once: one inactive audio section per target, each its own
 * transport (no BUNDLE group) with the target as its only candidate. Pure.
 */
export function groupAnswerSdp(
  sections: readonly OfferSection[],
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
): string {
  const media = sections.flatMap((s, i) => {
    const t = targets[i];
    if (!t) return [];
    return [
      `m=audio 9 ${s.proto} ${s.payload}`,
      connectionLine(t.address),
      `a=mid:${s.mid}`,
      ...credentialLines(creds),
      'a=inactive',
      'a=rtcp-mux',
      `a=rtpmap:${s.payload} ${s.rtpmap}`,
      candidateLine(t, 0),
      'a=end-of-candidates',
    ];
  });
  return [...sessionLines, ...media, ''].join('\r\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Stat = Record<string, unknown>;

/**
 * What the candidate pairs say per relay port: 'open' once a pair to it succeeded, 'failed' once every pair
 * to it failed, else still waiting. Pure.
 */
export function pairStates(stats: readonly Stat[]): Map<number, 'open' | 'failed'> {
  const portOf = new Map<unknown, number>();
  for (const s of stats)
    if (s.type === 'remote-candidate' && typeof s.port === 'number') portOf.set(s.id, s.port);
  const seen = new Map<number, { succeeded: boolean; pending: boolean }>();
  for (const s of stats) {
    if (s.type !== 'candidate-pair') continue;
    const port = portOf.get(s.remoteCandidateId);
    if (port === undefined) continue;
    const entry = seen.get(port) ?? { succeeded: false, pending: false };
    if (s.state === 'succeeded') entry.succeeded = true;
    else if (s.state !== 'failed') entry.pending = true;
    seen.set(port, entry);
  }
  const out = new Map<number, 'open' | 'failed'>();
  for (const [port, e] of seen) {
    if (e.succeeded) out.set(port, 'open');
    else if (!e.pending) out.set(port, 'failed');
  }
  return out;
}

/** The reason of a port whose time ran out before this computer sent it a single check. */
export const CHECKS_NOT_SENT = 'checks-not-sent';

/**
 * Relay ports whose every candidate pair says it sent no check yet (requestsSent 0): a computer too busy to
 * send one in the time limit, which says nothing of the firewall. A browser that does not count requests
 * (no requestsSent) names none. Pure.
 */
export function unsentPorts(stats: readonly Stat[]): Set<number> {
  const portOf = new Map<unknown, number>();
  for (const s of stats)
    if (s.type === 'remote-candidate' && typeof s.port === 'number') portOf.set(s.id, s.port);
  const sent = new Map<number, boolean>();
  for (const s of stats) {
    const port = s.type === 'candidate-pair' ? portOf.get(s.remoteCandidateId) : undefined;
    if (port === undefined) continue;
    sent.set(port, (sent.get(port) ?? false) || s.requestsSent !== 0);
  }
  return new Set([...sent].filter(([, any]) => !any).map(([port]) => port));
}

/** Up to PORTS_PER_CONNECTION targets on one peer connection, each with the same time limit. */
export async function iceProbeGroup(
  RTCPeerConnectionCtor: typeof RTCPeerConnection,
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
  timeoutMs: number,
  now: () => number,
  onLocalAddress: (address: string) => void = () => {},
): Promise<IceProbeResult[]> {
  const started = now();
  const found = new Map<number, { status: IceProbeResult['status']; reason: string; ms: number }>();
  const settle = (port: number, status: IceProbeResult['status'], reason: string) => {
    if (!found.has(port)) found.set(port, { status, reason, ms: Math.round(now() - started) });
  };
  let pc: RTCPeerConnection | null = null;
  let step = 'create';
  try {
    pc = new RTCPeerConnectionCtor({ iceServers: [], bundlePolicy: 'max-compat', rtcpMuxPolicy: 'require' });
    pc.onicecandidate = (e) => {
      const address = e.candidate?.type === 'host' ? e.candidate.address : null;
      if (address && !isMdnsName(address)) onLocalAddress(address);
    };
    for (const _ of targets) pc.addTransceiver('audio', { direction: 'inactive' });
    step = 'offer';
    await pc.setLocalDescription(await pc.createOffer());
    const sections = offerSections(pc.localDescription?.sdp ?? '');
    if (sections.length < targets.length) throw new Error(`the offer has ${sections.length} audio sections`);
    step = 'answer';
    await pc.setRemoteDescription({ type: 'answer', sdp: groupAnswerSdp(sections, targets, creds) });
    step = 'checks';
    // The time limit is for the network: it starts once checks can go out, so setting up connections on a
    // busy computer is not counted as a drop.
    const deadline = now() + timeoutMs;
    const ports = new Set(targets.map((t) => t.relayPort));
    let stats: Stat[] = [];
    while (now() < deadline && [...ports].some((p) => !found.has(p))) {
      const report = await within(pc.getStats(), STATS_MS);
      if (report === LATE) continue; // the deadline ends the loop: a port never answered is not open
      stats = [...report.values()] as Stat[];
      for (const [port, state] of pairStates(stats)) {
        if (ports.has(port))
          settle(port, state === 'open' ? 'open' : 'blocked', state === 'open' ? 'ok' : 'ice-failed');
      }
      await sleep(40);
    }
    const unsent = unsentPorts(stats);
    for (const p of ports)
      if (unsent.has(p)) settle(p, 'error', CHECKS_NOT_SENT);
      else settle(p, 'blocked', 'timed-out');
  } catch (err) {
    for (const t of targets) settle(t.relayPort, 'error', `probe-error (${step}): ${errorText(err)}`);
  } finally {
    pc?.close();
  }
  return targets.map((t) => {
    const r = found.get(t.relayPort) ?? { status: 'error' as const, reason: 'not-probed', ms: 0 };
    return { providerPort: t.providerPort, relayPort: t.relayPort, ...r };
  });
}

/** Targets in groups of PORTS_PER_CONNECTION, all groups at once, each port with its own time limit. */
export async function runIceProbes(
  RTCPeerConnectionCtor: typeof RTCPeerConnection,
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
  timeoutMs: number,
  now: () => number,
): Promise<{ results: IceProbeResult[]; localAddresses: string[] }> {
  const local = new Set<string>();
  const groups: IceProbeTarget[][] = [];
  for (let i = 0; i < targets.length; i += PORTS_PER_CONNECTION)
    groups.push(targets.slice(i, i + PORTS_PER_CONNECTION));
  const results = await Promise.all(
    groups.map((g) => iceProbeGroup(RTCPeerConnectionCtor, g, creds, timeoutMs, now, (a) => local.add(a))),
  );
  return { results: results.flat(), localAddresses: [...local] };
}

/**
 * One peer connection with a candidate at each target. Every check then leaves from the same local socket,
 * so the relay sees one source port per relay port only if the NAT keeps one mapping: the input the NAT
 * classification needs. (Separate connections would each use their own socket and look "symmetric".)
 */
export async function sharedSocketProbe(
  RTCPeerConnectionCtor: typeof RTCPeerConnection,
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
  timeoutMs: number,
  now: () => number,
): Promise<{ connected: boolean }> {
  let pc: RTCPeerConnection | null = null;
  try {
    pc = new RTCPeerConnectionCtor({ iceServers: [] });
    pc.createDataChannel('nat');
    await pc.setLocalDescription(await pc.createOffer());
    await pc.setRemoteDescription({
      type: 'answer',
      sdp: probeAnswerSdp(pc.localDescription?.sdp ?? '', targets, creds),
    });
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      const report = await within(pc.getStats(), STATS_MS);
      if (report === LATE) continue;
      const stats = [...report.values()] as Array<Record<string, unknown>>;
      const succeeded = stats.filter((s) => s.type === 'candidate-pair' && s.state === 'succeeded').length;
      if (succeeded >= targets.length) return { connected: true };
      await sleep(50);
    }
    return { connected: pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed' };
  } catch {
    return { connected: false };
  } finally {
    pc?.close();
  }
}
