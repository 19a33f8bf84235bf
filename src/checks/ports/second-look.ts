/**
 * UDP ports that got no answer are probed once more, on their own: dozens of peer connections at once on a
 * busy computer can miss the time limit with nothing in the way, and a firewall must not be blamed for that.
 * A port a firewall drops stays silent the second time too (it costs one more time limit). Ports still
 * silent are then open if the relay received and answered their checks over the same IP version (the
 * answer came too late for this computer): only a port the relay never heard from is blocked. A port this
 * computer never sent a check to, both times, stays 'not measured'.
 */
import type { ProbeBinding } from '../../protocol/relay-messages.ts';
import type { IceProbeBatch, IceProbeTarget } from '../../protocol/runtime-messages.ts';
import { type AddressFamily, addressFamily } from '../address-family.ts';
import { CHECKS_NOT_SENT } from './ice-probe.ts';
import { answeredByRelay } from './relay-answered.ts';

export async function withSecondLook(opts: {
  first: IceProbeBatch['results'];
  targets: readonly IceProbeTarget[];
  /** Probes the given targets again (same credentials, same time limit). */
  iceProbes: (targets: IceProbeTarget[]) => Promise<IceProbeBatch>;
  /** The checks the relay answered for these credentials. */
  observed: () => Promise<ProbeBinding[]>;
  /**
   * The IP version the ports were probed over: only the relay's records of checks from that version count
   * (an IPv4 check answered on a port says nothing of IPv6 to it). null: all records.
   */
  family: AddressFamily | null;
}): Promise<IceProbeBatch['results']> {
  const { first } = opts;
  const unsent = (r: { reason: string }) => r.reason === CHECKS_NOT_SENT;
  const silent = new Set(first.filter((r) => r.status === 'blocked' || unsent(r)).map((r) => r.providerPort));
  if (silent.size === 0) return first;
  const again = await opts.iceProbes(opts.targets.filter((t) => silent.has(t.providerPort)));
  const second = new Map(again.results.map((r) => [r.providerPort, r]));
  // An answer the second time wins; so does anything measured where the first time sent no check at all.
  const looked = first.map((r) => {
    const next = second.get(r.providerPort);
    return next && (next.status === 'open' || unsent(r)) ? next : r;
  });
  if (!looked.some((r) => r.status === 'blocked')) return looked;
  const bindings = await opts.observed();
  const family = opts.family;
  return answeredByRelay(
    looked,
    family ? bindings.filter((b) => addressFamily(b.remoteAddress) === family) : bindings,
  );
}
