/**
 * The relay's word on UDP ports the browser heard nothing from. On a computer too busy to read the answers
 * in time, a probe times out with nothing in the way; if the relay received this computer's check on that
 * port and answered it, the firewall let the check through, and the port is not blocked.
 */
import type { ProbeBinding } from '../../protocol/relay-messages.ts';
import type { IceProbeResult } from '../../protocol/runtime-messages.ts';

/** The reason a port reads open although the browser saw no answer in time. */
export const RELAY_ANSWERED = 'relay-answered';

/** Silent ports whose checks the relay answered become open (reason RELAY_ANSWERED). Pure. */
export function answeredByRelay(
  results: readonly IceProbeResult[],
  bindings: readonly ProbeBinding[],
): IceProbeResult[] {
  const answered = new Set(bindings.map((b) => b.relayPort));
  return results.map((r) =>
    r.status === 'blocked' && answered.has(r.relayPort)
      ? { ...r, status: 'open', reason: RELAY_ANSWERED }
      : r,
  );
}
