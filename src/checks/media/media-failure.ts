/**
 * Plain-words failures of the media loopback, one per stage, each with what to do next.
 */
import type { FailedStep } from '../types.ts';

export type MediaStage = 'signaling' | 'ice' | 'dtls' | 'media';

export interface MediaFailure {
  reason: string;
  step: FailedStep;
  summary: string;
}

export function stageFailure(stage: MediaStage, host: string, why: string): MediaFailure {
  switch (stage) {
    case 'signaling':
      return {
        reason: 'signaling-failed',
        step: 'wss',
        summary: `Could not set up the secure media test with ${host} (${why}). Check that WSS to the relay works, then run again.`,
      };
    case 'ice':
      return {
        reason: 'ice-failed',
        step: 'ice',
        summary: `No network path for media to ${host} (${why}): a firewall blocks the relay's UDP media ports and the TCP fallback. Ask your IT administrator to allow outbound UDP to the SRTP port ranges.`,
      };
    case 'dtls':
      return {
        reason: 'dtls-failed',
        step: 'dtls',
        summary: `The media path to ${host} opened, but the DTLS handshake that sets up SRTP encryption did not finish (${why}). A firewall or inspection device may be blocking DTLS: allow UDP to the media ports without inspection.`,
      };
    case 'media':
      return {
        reason: 'no-media-returned',
        step: 'media',
        summary: `Encrypted media was set up with ${host}, but no audio came back (${why}). Something drops SRTP packets on the way: check UDP rules for the media ports.`,
      };
  }
}

const stageStep = (stage: MediaStage): FailedStep =>
  stage === 'signaling' ? 'wss' : stage === 'ice' ? 'ice' : stage === 'dtls' ? 'dtls' : 'media';

/** Relay error codes that are not refusals: a full relay, a draining one, or media that failed to connect. */
const NOT_REFUSALS = new Set(['busy', 'rate-limited', 'shutting-down', 'media-failed']);

/**
 * Why the relay ended the session, in the stage it happened: busy, refused (an error code), media that the
 * relay could not connect (a stage failure like ours), or gone (closed, restarting, ended).
 */
export function relayGone(
  host: string,
  stage: MediaStage,
  gone: { why: string; retryAfterS?: number; errorCode?: boolean },
): MediaFailure {
  // rate-limited: this network already holds or started as many sessions as the relay allows it.
  if (gone.why === 'busy' || gone.why === 'rate-limited') return relayBusy(host, gone.retryAfterS);
  if (gone.errorCode && gone.why === 'media-failed')
    return stageFailure(stage, host, 'the relay reported media-failed');
  if (gone.errorCode && !NOT_REFUSALS.has(gone.why)) return relayRefused(host, stage, gone.why);
  return relayWentAway(host, stage, gone.why);
}

export function relayWentAway(host: string, stage: MediaStage, why: string): MediaFailure {
  return {
    reason: 'relay-went-away',
    step: stageStep(stage),
    summary: `The relay at ${host} went away during the ${stage} stage (${why}). It may be restarting: run the check again in a minute. This does not mean your network is blocked.`,
  };
}

/**
 * The relay answered, but refused this session with an error code (e.g. `too-many-candidates`): the relay
 * and this browser disagree, which says nothing about the network and is not an outage either.
 */
export function relayRefused(host: string, stage: MediaStage, code: string): MediaFailure {
  return {
    reason: 'relay-refused',
    step: stageStep(stage),
    summary: `The relay at ${host} refused the media session (${code}). This is not a network problem: the relay does not accept what this browser sent. Report it to your support contact with this code.`,
  };
}

export function mediaStalled(host: string, seconds: number): MediaFailure {
  return {
    reason: 'media-timeout',
    step: 'media',
    summary: `Audio from ${host} stopped for ${seconds} s in the middle of the check: the network dropped the media path (UDP blocked, or a firewall ended the flow). A call would cut out. Check UDP rules and session timeouts for the media ports.`,
  };
}

export function relayBusy(host: string, retryAfterS: number | undefined): MediaFailure {
  return {
    reason: 'relay-busy',
    step: 'wss',
    summary: `The relay at ${host} is busy (all media ports in use). Run the check again in ${retryAfterS ?? 10} s.`,
  };
}
