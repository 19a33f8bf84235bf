/**
 * The relay's media candidates by IP version. A relay with an IPv6 media address (--media-address6) offers
 * a UDP host candidate on each family; the media check keeps only one family's when it samples that family
 * on purpose, so the browser can pair nothing else and the audio crosses that IP version or not at all.
 * Pure: candidate lines in, candidate lines out.
 */
import { type AddressFamily, addressFamily } from '../address-family.ts';

/** "candidate:1 1 udp 2130706431 2001:db8::10 41000 typ host" (with or without "a="), split in fields. */
const fields = (candidate: string) => candidate.trim().replace(/^a=/, '').split(/\s+/);

/** The IP version of a candidate's address; null for a name (mDNS ".local") or a line that is none. */
export function candidateFamily(candidate: string): AddressFamily | null {
  return addressFamily(fields(candidate)[4]);
}

export function isUdpCandidate(candidate: string): boolean {
  return fields(candidate)[2]?.toLowerCase() === 'udp';
}

/** Whether the check keeps this relay candidate: all of them, or (`only`) UDP ones of that IP version. */
export function keepsCandidate(candidate: string, only: AddressFamily | null): boolean {
  return only === null || (isUdpCandidate(candidate) && candidateFamily(candidate) === only);
}

const CANDIDATE_LINE = /^a=(candidate:[^\r\n]*)\r?\n/gm;

/** The answer's candidate lines ("candidate:…"). */
export function sdpCandidates(sdp: string): string[] {
  return [...sdp.matchAll(CANDIDATE_LINE)].map((m) => m[1] as string);
}

/** The answer with only the candidates the check keeps (see keepsCandidate). */
export function sdpForFamily(sdp: string, only: AddressFamily | null): string {
  if (only === null) return sdp;
  return sdp.replace(CANDIDATE_LINE, (line, candidate: string) =>
    keepsCandidate(candidate, only) ? line : '',
  );
}

/** The IP versions the relay offered UDP media on, IPv4 first. */
export function udpFamilies(candidates: readonly string[]): AddressFamily[] {
  const found = new Set(candidates.filter(isUdpCandidate).map(candidateFamily));
  return (['IPv4', 'IPv6'] as const).filter((f) => found.has(f));
}
