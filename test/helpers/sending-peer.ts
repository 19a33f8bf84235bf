/** A werift "browser" that has offered to a test relay and sends audio: the start of most media tests. */
import type { TestRelay } from './in-process-relay.ts';
import { SignalingClient } from './signaling-client.ts';
import { BrowserPeer, type BrowserPeerOptions } from './werift-browser.ts';

/** Opens the signalling, offers, starts 50 packets/s of audio; `cleanup` gets what closes both. */
export async function sendingPeer(
  relay: TestRelay,
  cleanup: Array<() => unknown>,
  opts: BrowserPeerOptions = {},
): Promise<{ sig: SignalingClient; peer: BrowserPeer; answer: string }> {
  const sig = await SignalingClient.open(relay);
  const peer = new BrowserPeer(opts);
  cleanup.push(
    () => sig.close(),
    () => peer.close(),
  );
  await peer.connect(sig);
  peer.startRtp();
  const answer = (await sig.next('answer')).sdp;
  return { sig, peer, answer };
}
