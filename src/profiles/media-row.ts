/**
 * Which of a profile's media rows the relay's media port stands in for: the UDP media row (RTP or SRTP,
 * probed with ICE) whose provider range holds the port, a Secure Voice row first. A relay on the provider's
 * numbers serves each profile's media inside that profile's SRTP range; a relay on other ports (a
 * developer's, a test's) stands in for none, and the report says so rather than claim a rule was crossed.
 */
import type { PortRange, Profile, ProfileRow } from './types.ts';

export interface MediaRow {
  row: ProfileRow;
  range: PortRange;
}

export function mediaRowFor(profile: Profile, port: number): MediaRow | null {
  const media = profile.rows.filter((r) => r.transport === 'udp' && r.probe.kind === 'udp-ice');
  const ordered = [...media.filter((r) => r.secureVoice), ...media.filter((r) => !r.secureVoice)];
  for (const row of ordered) {
    const range = row.providerPorts.find((r) => port >= r.from && port <= r.to);
    if (range) return { row, range };
  }
  return null;
}

/** A profile's SRTP media range (the first SRTP/UDP row's): where its calls' encrypted audio goes. */
export function srtpRange(profile: Profile): PortRange {
  const range = profile.rows.find((r) => r.protocol === 'SRTP/UDP')?.providerPorts[0];
  if (!range) throw new Error(`the ${profile.id} profile has no SRTP/UDP row`);
  return range;
}
