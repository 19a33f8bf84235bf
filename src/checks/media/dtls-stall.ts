/**
 * The words for a DTLS handshake that did not finish in time, chosen by what the relay's DTLS saw of it
 * (relay/core/dtls-seen.ts, asked for with media-counts once the browser's DTLS ran out of time).
 *
 * A ClientHello that carried back the cookie of the relay's HelloVerifyRequest proves the relay heard the
 * browser and its answers reached the browser: DTLS is not simply blocked (a device could still drop the rest of the handshake). The handshake then stalled on the
 * relay's larger flights (its certificate flight is several datagrams of up to about 1200 bytes) or on loss
 * on the way back, and the administrator should look at loss, MTU and fragmentation, or a device that alters
 * UDP, not at a DTLS rule. Without that proof (the relay heard nothing, or heard the browser but its answer
 * never came back, or it is a relay from before the question and does not say), the firewall advice stands.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { DtlsSeen } from '../../protocol/relay-messages.ts';
import { type MediaFailure, stageFailure } from './media-failure.ts';

/** `why` says what the DTLS stage waited for; `seen` is the relay's view, or null when it did not say. */
export function dtlsTimedOut(host: string, why: Message, seen: DtlsSeen | null): MediaFailure {
  if (!seen?.cookieReturned) return stageFailure('dtls', host, why);
  return { reason: 'dtls-failed', step: 'dtls', message: msg('sum_media_dtls_stalled', host, why) };
}
