/**
 * ICE candidates from the client: counted (a session may carry at most MAX_CANDIDATES) and then kept away
 * from werift, every one of them.
 *
 * The relay never sends anything to an address a client merely names. Given a remote candidate, werift
 * would send connectivity checks to it (any address: 169.254.169.254, a host on the relay's own network),
 * open TCP connections to it from its active ICE-TCP candidate, and resolve names (mDNS for `*.local`, DNS
 * otherwise). Without them it still connects: the browser sends its checks to the relay's candidate, and
 * werift learns the browser's address as a peer-reflexive candidate from the first check that carries this
 * session's credentials (see media-guard.ts), and, being ICE-lite, only ever answers there. werift must never
 * be told "end of candidates" either: with no pairs and the end signalled, it could fail ICE at once instead
 * of waiting for those checks.
 */

const CANDIDATE_LINE = /^a=candidate:.*$/gm;

/** How many a=candidate lines an SDP carries. */
export function countSdpCandidates(sdp: string): number {
  return sdp.match(CANDIDATE_LINE)?.length ?? 0;
}

/** The SDP without its a=candidate and a=end-of-candidates lines. */
export function stripCandidates(sdp: string): string {
  return sdp.replace(/^a=(candidate:|end-of-candidates).*(\r?\n|$)/gm, '');
}
