/**
 * UDP reachability of one port through ICE connectivity checks: the browser is told the relay is an ICE-lite
 * peer at address:port with known credentials, and sends authenticated STUN checks there. If one is answered,
 * the port is open. Runs where RTCPeerConnection exists (offscreen document, background page).
 */
import type { IceCredentials, IceProbeResult, IceProbeTarget } from '../../protocol/runtime-messages.ts';
import { isMdnsName } from './nat.ts';

export type { IceCredentials, IceProbeResult, IceProbeTarget };

// Only the format matters: the probe never reaches DTLS, so no certificate has to match.
const DUMMY_FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, '0'))
  .join(':')
  .toUpperCase();

/** The relay's side as an SDP answer to a data-channel-only offer, one host candidate per target. Pure. */
export function probeAnswerSdp(
  offerSdp: string,
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
): string {
  const mid = /^a=mid:(\S+)/m.exec(offerSdp)?.[1] ?? '0';
  const address = targets[0]?.address ?? '0.0.0.0';
  const ipVersion = address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    'o=- 1 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mid}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    `c=IN ${ipVersion} ${address}`,
    `a=mid:${mid}`,
    `a=ice-ufrag:${creds.ufrag}`,
    `a=ice-pwd:${creds.pwd}`,
    `a=fingerprint:sha-256 ${DUMMY_FINGERPRINT}`,
    'a=setup:passive',
    'a=sctp-port:5000',
    ...targets.map(
      (t, i) => `a=candidate:${i + 1} 1 udp ${2130706431 - i} ${t.address} ${t.relayPort} typ host`,
    ),
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function iceProbe(
  RTCPeerConnectionCtor: typeof RTCPeerConnection,
  target: IceProbeTarget,
  creds: IceCredentials,
  timeoutMs: number,
  now: () => number,
  onLocalAddress: (address: string) => void = () => {},
): Promise<IceProbeResult> {
  const started = now();
  const result = (status: IceProbeResult['status'], reason: string): IceProbeResult => ({
    providerPort: target.providerPort,
    relayPort: target.relayPort,
    status,
    reason,
    ms: Math.round(now() - started),
  });
  const pc = new RTCPeerConnectionCtor({ iceServers: [] });
  pc.onicecandidate = (e) => {
    const address = e.candidate?.type === 'host' ? e.candidate.address : null;
    if (address && !isMdnsName(address)) onLocalAddress(address);
  };
  try {
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    const offer = pc.localDescription?.sdp ?? '';
    await pc.setRemoteDescription({ type: 'answer', sdp: probeAnswerSdp(offer, [target], creds) });
    // The time limit is for the network: it starts once checks can go out, so setting up many peer
    // connections at once on a busy computer (32 sampled ports per large range) is not counted as a drop.
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      const state = pc.iceConnectionState;
      if (state === 'connected' || state === 'completed') return result('open', 'ok');
      if (state === 'failed') return result('blocked', 'ice-failed');
      await sleep(20);
    }
    return result('blocked', 'timed-out');
  } catch (err) {
    return result('error', `probe-error: ${String(err instanceof Error ? err.message : err).slice(0, 120)}`);
  } finally {
    pc.close();
  }
}

/** All UDP probes at once, each with its own peer connection and time limit. */
export async function runIceProbes(
  RTCPeerConnectionCtor: typeof RTCPeerConnection,
  targets: readonly IceProbeTarget[],
  creds: IceCredentials,
  timeoutMs: number,
  now: () => number,
): Promise<{ results: IceProbeResult[]; localAddresses: string[] }> {
  const local = new Set<string>();
  const results = await Promise.all(
    targets.map((t) => iceProbe(RTCPeerConnectionCtor, t, creds, timeoutMs, now, (a) => local.add(a))),
  );
  return { results, localAddresses: [...local] };
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
  const pc = new RTCPeerConnectionCtor({ iceServers: [] });
  try {
    pc.createDataChannel('nat');
    await pc.setLocalDescription(await pc.createOffer());
    await pc.setRemoteDescription({
      type: 'answer',
      sdp: probeAnswerSdp(pc.localDescription?.sdp ?? '', targets, creds),
    });
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
      const succeeded = stats.filter((s) => s.type === 'candidate-pair' && s.state === 'succeeded').length;
      if (succeeded >= targets.length) return { connected: true };
      await sleep(50);
    }
    return { connected: pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed' };
  } catch {
    return { connected: false };
  } finally {
    pc.close();
  }
}
