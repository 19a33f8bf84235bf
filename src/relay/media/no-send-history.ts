/**
 * The echo keeps no copy of what it sent. werift's RTCRtpSender (0.25) keeps its last 128 RTP packets in
 * `rtpCache` to answer NACKs with retransmissions: about 120 KB per session held for nothing, since the
 * relay's answer offers no NACK feedback, and a retransmission would break the echo's one-for-one rule (one
 * NACK could ask for 17 packets back). Every write to the cache is dropped and every read finds nothing, so
 * werift's NACK handler skips the packet. echo-session.test.ts fails if a werift update renames the cache.
 */
const NOTHING_KEPT: unknown[] = new Proxy([], { set: () => true });

interface SenderInternals {
  rtpCache?: unknown[];
}

/** Stops `sender` keeping its sent packets; false when werift has no such cache (a renamed internal). */
export function dropSendHistory(sender: object): boolean {
  if (!Array.isArray((sender as SenderInternals).rtpCache)) return false;
  Object.defineProperty(sender, 'rtpCache', {
    configurable: true,
    get: () => NOTHING_KEPT,
    // werift replaces the cache with a new array when the source changes: still nothing kept.
    set: () => undefined,
  });
  return true;
}
