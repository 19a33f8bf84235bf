/**
 * How often a phone refreshes its SIP flow over UDP (a re-registration or a keep-alive): a NAT must keep the
 * flow's mapping at least this long, or calls to the phone stop reaching it between refreshes.
 *
 * The provider's white paper (seed 000) says its phones "re-register automatically" after the Secure Voice
 * reboot, not how often; neither seed states an interval. So the build has none, and the check compares
 * with RFC 4787 REQ-5 instead: a NAT's UDP mapping timer must not expire in less than two minutes.
 */
export interface RefreshInterval {
  seconds: number;
  /** provider: the provider's documents state it; rfc4787: they do not, and the NAT requirement stands in. */
  basis: 'provider' | 'rfc4787';
}

/** The provider's stated re-registration interval in seconds; null: its documents do not state one. */
export const PROVIDER_REREGISTRATION_S: number | null = null;

/** RFC 4787 REQ-5: "A NAT UDP mapping timer MUST NOT expire in less than two minutes". */
export const NAT_UDP_MAPPING_MINIMUM_S = 120;

export function refreshInterval(provider: number | null = PROVIDER_REREGISTRATION_S): RefreshInterval {
  return provider !== null
    ? { seconds: provider, basis: 'provider' }
    : { seconds: NAT_UDP_MAPPING_MINIMUM_S, basis: 'rfc4787' };
}
