/** Results of the firewall port matrix. */
export type PortStatus =
  /** The probe got through. */
  | 'open'
  /** No answer within the time limit: something drops the traffic. */
  | 'blocked'
  /** Actively refused (TCP reset / connection refused). */
  | 'refused'
  /** The browser itself refuses this port (unsafe-port list): not the firewall's doing. */
  | 'browser-blocked'
  /** The relay has no listener for this port, so it could not be measured. */
  | 'relay-unavailable'
  /** A browser cannot test this kind of rule; `reason` says why. */
  | 'not-testable'
  /** The probe failed for another reason (TLS error, internal). */
  | 'error';

/** One line of the `ports` array of the JSON report. */
export interface PortResult {
  profile: string;
  row: string;
  protocol: string;
  transport: 'tcp' | 'udp';
  port: number;
  status: PortStatus;
  reason: string;
  ms: number | null;
}

export type RowStatus = 'open' | 'blocked' | 'partial' | 'not-testable' | 'unknown';

export interface RowResult {
  row: string;
  purpose: string;
  protocol: string;
  transport: 'tcp' | 'udp';
  /** The provider-side destination ports as the seed writes them, e.g. '40000-49999'. */
  ports: string;
  status: RowStatus;
  secureVoice: boolean;
  detail: string;
}

export interface RemediationLine {
  direction: 'outbound';
  protocol: 'TCP' | 'UDP';
  ports: string;
  purpose: string;
}
