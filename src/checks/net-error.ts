/**
 * Turns what the browser says about a failed request (Chromium net::ERR_*, Firefox NS_ERROR_* / SEC_ERROR_*
 * strings from webRequest.onErrorOccurred) into one reason code, the step that failed, and words a user can
 * act on. Pure: the strings are collected by the platform layer and passed in.
 */
import { type MessageKey, msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import type { FailedStep } from './types.ts';

export type NetReason =
  | 'dns-failure'
  | 'dns-no-answer'
  | 'connection-refused'
  | 'timed-out'
  | 'connection-reset'
  | 'tls-certificate-rejected'
  | 'tls-handshake-failed'
  | 'tls-stalled'
  | 'blocked-by-browser'
  | 'blocked-by-client'
  | 'network-unreachable'
  | 'proxy-failed'
  | 'network-error';

interface Rule {
  match: RegExp;
  reason: NetReason;
}

/**
 * Chromium's `net::ERR_*` and Firefox's `NS_ERROR_*` names. The proxy rule comes first: Firefox's
 * NS_ERROR_PROXY_CONNECTION_REFUSED and NS_ERROR_UNKNOWN_PROXY_HOST are the proxy's failure, not the relay's.
 */
const RULES: readonly Rule[] = [
  { match: /PROXY|TUNNEL_CONNECTION/i, reason: 'proxy-failed' },
  { match: /NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|UNKNOWN_HOST|DNS_/i, reason: 'dns-failure' },
  { match: /CONNECTION_REFUSED/i, reason: 'connection-refused' },
  { match: /TIMED_OUT|NET_TIMEOUT/i, reason: 'timed-out' },
  {
    match: /CONNECTION_RESET|CONNECTION_CLOSED|NET_RESET|NET_INTERRUPT|EMPTY_RESPONSE|PARTIAL_TRANSFER/i,
    reason: 'connection-reset',
  },
  {
    match: /ERR_CERT_|SEC_ERROR_|MOZILLA_PKIX_ERROR|SSL_ERROR_BAD_CERT|CERT_/i,
    reason: 'tls-certificate-rejected',
  },
  {
    match: /SSL_|TLS_|VERSION_OR_CIPHER|INADEQUATE_SECURITY|MODULE_SECURITY/i,
    reason: 'tls-handshake-failed',
  },
  { match: /UNSAFE_PORT|PORT_ACCESS_NOT_ALLOWED/i, reason: 'blocked-by-browser' },
  {
    match: /BLOCKED_BY_CLIENT|BLOCKED_BY_ADMINISTRATOR|BLOCKED_BY_POLICY|CONTENT_BLOCKED/i,
    reason: 'blocked-by-client',
  },
  {
    match: /ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED|NETWORK_CHANGED|OFFLINE/i,
    reason: 'network-unreachable',
  },
];

/**
 * Firefox names network failures (NS_ERROR_*), but reports a security (NSS) failure as its translated
 * message, e.g. "The certificate is not trusted because it is self-signed." or "Cannot communicate securely
 * with peer: no common encryption algorithm(s).": a sentence rather than a name is always a TLS failure.
 * The certificate words are matched in the languages of the extension's own messages (English, German).
 */
const SENTENCE = /\s/;
const CODE_NAME = /^(net::)?(ERR_|NS_)/;
const CERTIFICATE_WORDS = /certificat|issuer|zertifikat|aussteller/i;

/** Longer strings are cut before matching: the browser's text is bounded work, whatever it says. */
const MAX_ERROR_CHARS = 300;

export function classifyNetError(browserError: string | undefined): NetReason {
  if (!browserError) return 'network-error';
  const text = browserError.slice(0, MAX_ERROR_CHARS);
  const named = RULES.find((r) => r.match.test(text))?.reason;
  if (named) return named;
  if (SENTENCE.test(text) && !CODE_NAME.test(text)) {
    return CERTIFICATE_WORDS.test(text) ? 'tls-certificate-rejected' : 'tls-handshake-failed';
  }
  return 'network-error';
}

const STEP: Record<NetReason, FailedStep> = {
  'dns-failure': 'dns',
  'dns-no-answer': 'dns',
  'connection-refused': 'tcp',
  'timed-out': 'tcp',
  'connection-reset': 'tcp',
  'tls-certificate-rejected': 'tls',
  'tls-handshake-failed': 'tls',
  'tls-stalled': 'tls',
  'blocked-by-browser': 'browser',
  'blocked-by-client': 'browser',
  'network-unreachable': 'tcp',
  'proxy-failed': 'tcp',
  'network-error': 'tcp',
};

/**
 * A name that does not exist (NXDOMAIN) or a server that fails (SERVFAIL) comes back within a round trip;
 * a resolver that hears nothing gives up only after its own timeout (1 s and more on every common system).
 * Browsers report both as one error (ERR_NAME_NOT_RESOLVED, NS_ERROR_UNKNOWN_HOST), so the time it took
 * tells them apart.
 */
export const DNS_NO_ANSWER_AFTER_MS = 1000;

/** A DNS failure as what the resolver met: an answer that said no, or no answer at all. */
export function dnsReasonAfter(elapsedMs: number): NetReason {
  return elapsedMs >= DNS_NO_ANSWER_AFTER_MS ? 'dns-no-answer' : 'dns-failure';
}

export function stepFor(reason: NetReason): FailedStep {
  return STEP[reason];
}

const WORDS = {
  'dns-failure': 'net_dns_failure',
  'dns-no-answer': 'net_dns_no_answer',
  'connection-refused': 'net_connection_refused',
  'timed-out': 'net_timed_out',
  'connection-reset': 'net_connection_reset',
  'tls-certificate-rejected': 'net_tls_certificate_rejected',
  'tls-handshake-failed': 'net_tls_handshake_failed',
  'tls-stalled': 'net_tls_stalled',
  'blocked-by-browser': 'net_blocked_by_browser',
  'blocked-by-client': 'net_blocked_by_client',
  'network-unreachable': 'net_network_unreachable',
  'proxy-failed': 'net_proxy_failed',
  'network-error': 'net_network_error',
} as const satisfies Record<NetReason, MessageKey>;

/** What went wrong and what to do next, for a host the user is trying to reach. */
export function explainNetReason(reason: NetReason, host: string): Message {
  return msg(WORDS[reason], host);
}
