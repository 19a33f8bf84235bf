/**
 * The TCP probe ports on which the relay received a TLS hello this browser never sends: a middlebox that
 * inspects only some ports (often exactly the SIP/TLS ports 5096/5097) breaks phones there while the
 * browser's HTTPS check passes. Per port, with the evidence (src/checks/tls-inspection.ts). Pure.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { InspectionEvidence } from '../tls-inspection.ts';

export interface InspectedPort {
  /** The provider's TCP port. */
  port: number;
  missing: InspectionEvidence['missing'];
}

/** The inspected ports among the TCP probes, in port order, one entry per port. */
export function inspectedPorts(
  probes: ReadonlyArray<{ port: number; inspection?: InspectionEvidence | undefined }>,
): InspectedPort[] {
  const byPort = new Map<number, InspectedPort>();
  for (const p of probes) {
    if (p.inspection && !byPort.has(p.port))
      byPort.set(p.port, { port: p.port, missing: p.inspection.missing });
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/** "TLS inspection on TCP 5096: …", with what the hello lacked; null when no port was inspected. */
export function inspectedPortsMessage(ports: readonly InspectedPort[]): Message | null {
  const first = ports[0];
  if (!first) return null;
  return msg(
    'sum_ports_tls_inspected',
    ports.map((p) => msg('port_rule', 'TCP', String(p.port))),
    msg(first.missing === 'grease' ? 'phrase_hello_no_grease' : 'phrase_hello_no_record_size_limit'),
  );
}
