/**
 * The port check's IPv6 pass as a report carries it (`port-matrix` `data.ipv6`, written by
 * src/checks/ports/ipv6-udp.ts): read by the report page, the text report and the relay's support console.
 * A report without it, or with one this version cannot read, has none.
 */
import * as v from 'valibot';
import { PortStatus, type Report, RowStatus } from './report.ts';

const text = v.pipe(v.string(), v.maxLength(200));

export const Ipv6PassSchema = v.object({
  /** The relay's IPv6 address the UDP ports were probed on (redacted in a shared report). */
  address: text,
  /** 'measured', or 'no-ipv6-path': this computer reached the relay over IPv6 in no way. */
  outcome: v.picklist(['measured', 'no-ipv6-path']),
  ports: v.pipe(v.array(v.object({ port: v.number(), status: PortStatus })), v.maxLength(70_000)),
  rows: v.pipe(
    v.array(v.object({ row: text, ports: text, status: RowStatus, secureVoice: v.boolean(), purpose: text })),
    v.maxLength(200),
  ),
  /** Secure Voice rows blocked (or partly) over IPv6 while open over IPv4. */
  blockedOnlyOverIpv6: v.pipe(v.array(text), v.maxLength(200)),
});
export type Ipv6Pass = v.InferOutput<typeof Ipv6PassSchema>;

export function ipv6PassOf(report: Report): Ipv6Pass | null {
  const data = report.checks.find((c) => c.id === 'port-matrix')?.data;
  const parsed = v.safeParse(Ipv6PassSchema, data?.ipv6);
  return parsed.success ? parsed.output : null;
}
