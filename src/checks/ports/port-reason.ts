/**
 * Why one port has its status, in words a user can act on: the reason code the port check records for each
 * port (`ports[].reason`, kept as it is in the JSON report for support) as a message. Pure.
 */
import { type MessageKey, msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { NetReason } from '../net-error.ts';

/** What the browser said about a failed TCP probe (src/checks/net-error.ts), as the port's reason. */
const NET: Record<NetReason, MessageKey> = {
  'dns-failure': 'port_reason_dns_failure',
  'dns-no-answer': 'port_reason_dns_no_answer',
  'connection-refused': 'port_reason_connection_refused',
  'timed-out': 'port_reason_timed_out',
  'connection-reset': 'port_reason_connection_reset',
  'tls-certificate-rejected': 'port_reason_tls_certificate_rejected',
  'tls-handshake-failed': 'port_reason_tls_handshake_failed',
  'tls-stalled': 'port_reason_tls_stalled',
  'blocked-by-browser': 'port_reason_browser_refuses',
  'blocked-by-client': 'port_reason_blocked_by_client',
  'network-unreachable': 'port_reason_network_unreachable',
  'proxy-failed': 'port_reason_proxy_failed',
  'network-error': 'port_reason_network_error',
};

/** The port check's own reasons (tcp-probe, ice-probe, second look, port-matrix), and why a row is untestable. */
const OWN: Record<string, MessageKey> = {
  ok: 'port_reason_ok',
  'relay-answered': 'port_reason_relay_answered',
  'ice-failed': 'port_reason_ice_failed',
  'checks-not-sent': 'port_reason_checks_not_sent',
  'failed-fast': 'port_reason_failed_fast',
  'browser-restricted-port': 'port_reason_browser_refuses',
  'relay-not-listening': 'port_reason_relay_not_listening',
  'page-may-not-connect': 'port_reason_page_may_not_connect',
  'not-probed': 'port_reason_not_probed',
  'sip-over-udp': 'ports_not_testable_sip_udp',
  ntp: 'ports_not_testable_ntp',
  'source-port-rule': 'ports_not_testable_source_port',
};

/** A probe that could not start: "probe-error (offer): <what the browser threw>" (src/checks/ports/ice-probe.ts). */
const PROBE_ERROR = /^probe-error \(([a-z-]{1,20})\): ([\s\S]*)$/;

/** The words for a port's reason; a code this build does not know is named as it is. */
export function portReasonMessage(reason: string): Message {
  const key = Object.hasOwn(NET, reason)
    ? NET[reason as NetReason]
    : Object.hasOwn(OWN, reason)
      ? OWN[reason]
      : undefined;
  if (key) return msg(key);
  const probeError = PROBE_ERROR.exec(reason);
  if (probeError) return msg('port_reason_probe_error', probeError[1] ?? '', probeError[2] ?? '');
  return msg('port_reason_other', reason);
}
