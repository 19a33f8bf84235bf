/**
 * The port check's IPv6 pass (its evidence `data.ipv6`, src/checks/ports/ipv6-udp.ts) beside what IPv4
 * found for the same rows and ports: what the report page's IPv6 table shows and the text report prints.
 * Pure, so the extension pages and the command line share it. The relay's IPv6 address is shown redacted, as
 * a shared report carries it: these words are copied into tickets.
 */
import { ipv6PassOf } from '../protocol/ipv6-pass.ts';
import type { PortStatus, Report, RowStatus } from '../protocol/report.ts';
import { redactAddressesIn } from '../redaction/redact-text.ts';
import { portMatrixOf } from './port-rows.ts';

export interface Ipv6RowView {
  row: string;
  purpose: string;
  protocol: string;
  ports: string;
  secureVoice: boolean;
  /** The row over IPv4, as the port table shows it; null when IPv4 has no such row. */
  ipv4: RowStatus | null;
  ipv6: RowStatus;
  /** A Secure Voice row blocked (or partly) over IPv6 while open over IPv4: what the check warns about. */
  onlyOverIpv6: boolean;
}

export interface Ipv6PortView {
  port: number;
  ipv4: PortStatus | null;
  ipv6: PortStatus;
}

export interface Ipv6View {
  /** 'measured', or 'no-ipv6-path': this computer reached the relay over IPv6 in no way, so nothing is judged. */
  outcome: 'measured' | 'no-ipv6-path';
  /** The relay's IPv6 address the ports were probed on, redacted ("2001:db8:113:x"). */
  addressShown: string;
  rows: Ipv6RowView[];
  ports: Ipv6PortView[];
}

/** The IPv6 pass of a report beside IPv4's figures, or null when the relay had no IPv6 probe address. */
export function ipv6PortsOf(report: Report): Ipv6View | null {
  const ipv6 = ipv6PassOf(report);
  if (!ipv6) return null;
  const ipv4Rows = portMatrixOf(report)?.rows ?? [];
  const onlyOverIpv6 = new Set(ipv6.blockedOnlyOverIpv6);
  return {
    outcome: ipv6.outcome,
    addressShown: redactAddressesIn(ipv6.address),
    rows: ipv6.rows.map((r) => {
      const four = ipv4Rows.find((x) => x.row === r.row);
      return {
        row: r.row,
        purpose: r.purpose,
        protocol: four?.protocol ?? '',
        ports: r.ports,
        secureVoice: r.secureVoice,
        ipv4: four?.status ?? null,
        ipv6: r.status,
        onlyOverIpv6: onlyOverIpv6.has(r.row),
      };
    }),
    ports: ipv6.ports.map((p) => ({
      port: p.port,
      ipv4: report.ports.find((x) => x.transport === 'udp' && x.port === p.port)?.status ?? null,
      ipv6: p.status,
    })),
  };
}
