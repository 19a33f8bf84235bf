/**
 * Turns what the browser says about a failed request (Chromium net::ERR_*, Firefox NS_ERROR_* / SEC_ERROR_*
 * strings from webRequest.onErrorOccurred) into one reason code, the step that failed, and words a user can
 * act on. Pure: the strings are collected by the platform layer and passed in.
 */
import type { FailedStep } from './types.ts';

export type NetReason =
  | 'dns-failure'
  | 'connection-refused'
  | 'timed-out'
  | 'connection-reset'
  | 'tls-certificate-rejected'
  | 'tls-handshake-failed'
  | 'blocked-by-browser'
  | 'blocked-by-client'
  | 'network-unreachable'
  | 'proxy-failed'
  | 'network-error';

interface Rule {
  match: RegExp;
  reason: NetReason;
}

const RULES: readonly Rule[] = [
  { match: /NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|UNKNOWN_HOST|DNS_/i, reason: 'dns-failure' },
  { match: /CONNECTION_REFUSED/i, reason: 'connection-refused' },
  { match: /TIMED_OUT|NET_TIMEOUT/i, reason: 'timed-out' },
  {
    match: /CONNECTION_RESET|CONNECTION_CLOSED|NET_RESET|NET_INTERRUPT|EMPTY_RESPONSE/i,
    reason: 'connection-reset',
  },
  {
    match: /ERR_CERT_|SEC_ERROR_|MOZILLA_PKIX_ERROR|SSL_ERROR_BAD_CERT|CERT_/i,
    reason: 'tls-certificate-rejected',
  },
  { match: /SSL_|TLS_|VERSION_OR_CIPHER/i, reason: 'tls-handshake-failed' },
  { match: /UNSAFE_PORT|PORT_ACCESS_NOT_ALLOWED/i, reason: 'blocked-by-browser' },
  { match: /BLOCKED_BY_CLIENT|BLOCKED_BY_ADMINISTRATOR/i, reason: 'blocked-by-client' },
  {
    match: /ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED|NETWORK_CHANGED|OFFLINE/i,
    reason: 'network-unreachable',
  },
  { match: /PROXY|TUNNEL_CONNECTION/i, reason: 'proxy-failed' },
];

export function classifyNetError(browserError: string | undefined): NetReason {
  if (!browserError) return 'network-error';
  return RULES.find((r) => r.match.test(browserError))?.reason ?? 'network-error';
}

const STEP: Record<NetReason, FailedStep> = {
  'dns-failure': 'dns',
  'connection-refused': 'tcp',
  'timed-out': 'tcp',
  'connection-reset': 'tcp',
  'tls-certificate-rejected': 'tls',
  'tls-handshake-failed': 'tls',
  'blocked-by-browser': 'browser',
  'blocked-by-client': 'browser',
  'network-unreachable': 'tcp',
  'proxy-failed': 'tcp',
  'network-error': 'tcp',
};

export function stepFor(reason: NetReason): FailedStep {
  return STEP[reason];
}

/** What went wrong and what to do next, for a host the user is trying to reach. */
export function explainNetReason(reason: NetReason, host: string): string {
  switch (reason) {
    case 'dns-failure':
      return `DNS failure: ${host} could not be resolved. Check the address, or your DNS server and VPN.`;
    case 'connection-refused':
      return `Connection refused by ${host}: nothing is listening there, or a firewall rejects it. Check that the service is running and the port is open.`;
    case 'timed-out':
      return `Timed out connecting to ${host}: a firewall is probably dropping the traffic. Ask your IT administrator to allow outbound TCP to this port.`;
    case 'connection-reset':
      return `Connection to ${host} was reset: a firewall, proxy or inspection device cut it. Ask your IT administrator to allow it.`;
    case 'tls-certificate-rejected':
      return `TLS certificate rejected for ${host}: the browser does not trust it (self-signed, expired, or intercepted by a proxy). Trust the relay's certificate or check for TLS inspection.`;
    case 'tls-handshake-failed':
      return `TLS handshake with ${host} failed: the server or a middlebox offers no TLS version or cipher the browser accepts.`;
    case 'blocked-by-browser':
      return `Blocked by the browser: it refuses to connect to this port of ${host} (an unsafe port). Use another port; this is not your firewall.`;
    case 'blocked-by-client':
      return `Blocked inside the browser: an extension or browser policy stopped the request to ${host}.`;
    case 'network-unreachable':
      return `Network unreachable: this computer has no route to ${host}. Check your connection.`;
    case 'proxy-failed':
      return `The proxy could not connect to ${host}. Check your proxy settings or ask your IT administrator.`;
    case 'network-error':
      return `Could not connect to ${host}; the browser gave no further detail. Check your connection and firewall.`;
  }
}
