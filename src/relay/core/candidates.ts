/**
 * ICE candidate lines from the client: counted (a session may carry at most MAX_CANDIDATES) and filtered.
 *
 * werift resolves a candidate whose address is a name: mDNS for `*.local` (multicast on the relay's own
 * network) and DNS otherwise. Neither can reach a browser on another network, and both are traffic to hosts
 * the operator did not configure, so only IP-literal candidates reach werift. The browser still connects:
 * the relay learns its address as a peer-reflexive candidate from the browser's first connectivity check.
 * For that, werift must not be told "end of candidates" once one was withheld: with no pairs left and the
 * end signalled, it fails ICE at once instead of waiting for those checks.
 */

const CANDIDATE_LINE = /^a=candidate:.*$/gm;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

/** How many a=candidate lines an SDP carries. */
export function countSdpCandidates(sdp: string): number {
  return sdp.match(CANDIDATE_LINE)?.length ?? 0;
}

/** Whether a candidate attribute ("candidate:… <address> <port> typ …") names its address as an IP literal. */
export function hasIpAddress(candidate: string): boolean {
  const address = candidate.replace(/^a=/, '').split(/\s+/)[4] ?? '';
  return IPV4.test(address) || (address.includes(':') && IPV6.test(address));
}

/**
 * The SDP without the candidate lines whose address is a name, and then without a=end-of-candidates
 * (see above); `dropped` says how many were removed.
 */
export function dropNamedCandidates(sdp: string): { sdp: string; dropped: number } {
  let dropped = 0;
  const kept = sdp.replace(/^a=candidate:.*(\r?\n|$)/gm, (line) => {
    if (hasIpAddress(line.trim())) return line;
    dropped++;
    return '';
  });
  return { sdp: dropped ? kept.replace(/^a=end-of-candidates(\r?\n|$)/gm, '') : kept, dropped };
}
