/**
 * Whether the path to the relay changed between two checks: the public address the relay saw for web traffic
 * (HTTPS) and for UDP (the NAT probe's binding). A VPN that connects and disconnects, or a split tunnel that
 * sends one kind of traffic through the tunnel, shows as a change between runs on the same computer. Pure;
 * the addresses stay on this computer (the words name only which traffic changed).
 */
import * as v from 'valibot';
import { msg } from '../../messages/catalog.ts';
import { english } from '../../messages/render.ts';
import { ProbeBinding } from '../../protocol/relay-messages.ts';
import type { NatReport } from '../../protocol/report.ts';
import { addressFamily } from '../address-family.ts';
import type { CheckResult } from '../types.ts';

export interface PathSeen {
  https: string | null;
  udp: string | null;
}

const strip = (a: string) => a.replace(/^::ffff:/i, '');

/** The addresses the relay saw in one run's checks. */
export function pathSeen(checks: readonly CheckResult[]): PathSeen {
  const https = checks.find((c) => c.id === 'relay-https')?.data.clientAddress;
  const nat = checks.find((c) => c.id === 'port-matrix')?.data.nat as { relaySaw?: unknown } | undefined;
  const saw = v.safeParse(v.array(ProbeBinding), nat?.relaySaw);
  const udp = saw.success ? saw.output[0]?.remoteAddress : undefined;
  return {
    https: typeof https === 'string' && https !== '' ? strip(https) : null,
    udp: udp ? strip(udp) : null,
  };
}

/** Which traffic's address changed: null when neither did, or nothing could be compared. */
export function pathChange(before: PathSeen, now: PathSeen): 'web' | 'udp' | 'both' | null {
  // An address of the other IP version is not a new path: a dual-stack browser may pick either for the web.
  const changed = (a: string | null, b: string | null) =>
    a !== null && b !== null && a !== b && addressFamily(a) === addressFamily(b);
  const web = changed(before.https, now.https);
  const udp = changed(before.udp, now.udp);
  return web && udp ? 'both' : web ? 'web' : udp ? 'udp' : null;
}

const WHICH = { web: 'phrase_path_web', udp: 'phrase_path_udp', both: 'phrase_path_both' } as const;

/** The NAT report with the comparison to the previous run's checks, and a sentence when the path changed. */
export function withPathChange(
  nat: NatReport,
  now: readonly CheckResult[],
  previous: readonly CheckResult[] | null,
): NatReport {
  if (!previous) return nat;
  const before = pathSeen(previous);
  const after = pathSeen(now);
  const which = pathChange(before, after);
  const comparable =
    (before.https !== null && after.https !== null) || (before.udp !== null && after.udp !== null);
  if (!which) return { ...nat, pathChanged: comparable ? false : null };
  const changed = msg('nat_path_changed', msg(WHICH[which]));
  // A NAT report always carries its message in this build; the text alone is a report from before messages.
  const summary = nat.summaryMessage ? msg('join_sentences', [nat.summaryMessage, changed]) : changed;
  const text = nat.summaryMessage ? english(summary) : `${nat.summary} ${english(changed)}`;
  return { ...nat, pathChanged: true, summary: text, summaryMessage: summary };
}
