/**
 * The provider's firewall port tables as data. Pure: this folder is bundled into the extension pages and the
 * relay's web check, and read by the start script that maps the provider's ports onto a local relay's probe
 * listeners (scripts/probe-ports.ts), so nothing here may touch a browser or Node API.
 */

/** Inclusive range; a single port is `{ from: p, to: p }`. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Why a row cannot be checked from a browser. Kept as a code (not just prose) so reports and the
 * remediation list can group rows, and the explanation is a message in every language.
 */
export type NotTestableReason =
  /** Browsers send no raw UDP; the only UDP they emit is ICE/STUN, DTLS and SRTP (see provider-ports.ts). */
  | 'sip-over-udp'
  /** Browsers cannot send NTP, and 123 is on their restricted-port list anyway. */
  | 'ntp'
  /**
   * The rule matches only the customer-side source port. Browsers choose their own source ports, so such
   * a rule can never be exercised. No row of the provider's current tables needs it (every row names a
   * destination port; the source-port part of those rows is `ProfileRow.sourcePortNote`); it is kept so a
   * table that has such a row is reported honestly.
   */
  | 'source-port-rule';

export type ProbeMethod =
  /** TLS over TCP to the port: the relay listens there, the browser connects with fetch/WSS. */
  | { readonly kind: 'tls-tcp' }
  /** UDP via ICE connectivity checks to the port: the relay answers STUN there. */
  | { readonly kind: 'udp-ice' }
  /** An HTTPS request to the port. */
  | { readonly kind: 'https' }
  | { readonly kind: 'not-testable'; readonly reason: NotTestableReason };

export type TestableProbeKind = Exclude<ProbeMethod['kind'], 'not-testable'>;

export type ProfileId = 'desk-phone' | 'mobile-app' | 'desktop-app' | 'meetings';

export interface ProfileRow {
  /** Stable kebab-case id, used in stored results and reports: never rename one. */
  readonly id: string;
  /** The provider's wording, quirks included, so an administrator can match it to the provider's paper. */
  readonly purpose: string;
  /** The provider's wording, e.g. 'SIP/TLS/TCP'. */
  readonly protocol: string;
  readonly transport: 'tcp' | 'udp';
  /** `null` where the provider's table says N/A. */
  readonly customerSourcePorts: readonly PortRange[] | null;
  readonly providerPorts: readonly PortRange[];
  readonly probe: ProbeMethod;
  /**
   * Why the customer-side source-port part of the rule is not tested; set exactly when the seed names
   * source ports (browsers choose their own source ports, so only the destination port can be probed).
   */
  readonly sourcePortNote: string | null;
  /** Part of Secure Voice (TLS signaling, SRTP/TLS media): a failure here is what the upgrade breaks. */
  readonly secureVoice: boolean;
}

export interface Profile {
  readonly id: ProfileId;
  readonly name: string;
  readonly rows: readonly ProfileRow[];
}
