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

export function relayWentAway(host: string, stage: MediaStage, why: string): MediaFailure {
  return {
    reason: 'relay-went-away',
    step: stage === 'signaling' ? 'wss' : stage === 'ice' ? 'ice' : stage === 'dtls' ? 'dtls' : 'media',
    summary: `The relay at ${host} went away during the ${stage} stage (${why}). It may be restarting: run the check again in a minute. This does not mean your network is blocked.`,
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
