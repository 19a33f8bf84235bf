/**
 * Plain-words failures of the media loopback, one per stage, each with what to do next.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { FailedStep } from '../types.ts';

export type MediaStage = 'signaling' | 'ice' | 'dtls' | 'media';

export interface MediaFailure {
  /** 'error': the check could not measure (the browser failed it), which says nothing of the network. */
  status?: 'error';
  reason: string;
  step: FailedStep;
  message: Message;
}

const STAGE_WORD = {
  signaling: 'stage_signaling',
  ice: 'stage_ice',
  dtls: 'stage_dtls',
  media: 'stage_media',
} as const;

/** `why` says what the stage was waiting for (why_* messages). */
export function stageFailure(stage: MediaStage, host: string, why: Message): MediaFailure {
  switch (stage) {
    case 'signaling':
      return {
        reason: 'signaling-failed',
        step: 'wss',
        message: msg('sum_media_signaling_failed', host, why),
      };
    case 'ice':
      return { reason: 'ice-failed', step: 'ice', message: msg('sum_media_ice_failed', host, why) };
    case 'dtls':
      return { reason: 'dtls-failed', step: 'dtls', message: msg('sum_media_dtls_failed', host, why) };
    case 'media':
      return { reason: 'no-media-returned', step: 'media', message: msg('sum_media_no_media', host, why) };
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
    return stageFailure(stage, host, msg('why_relay_media_failed'));
  if (gone.errorCode && !NOT_REFUSALS.has(gone.why)) return relayRefused(host, stage, gone.why);
  return relayWentAway(host, stage, gone.why);
}

/** `why` is the relay's own word for it (a close reason or error code), kept as it said it. */
export function relayWentAway(host: string, stage: MediaStage, why: string): MediaFailure {
  return {
    reason: 'relay-went-away',
    step: stageStep(stage),
    message: msg('sum_media_went_away', host, msg(STAGE_WORD[stage]), why),
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
    message: msg('sum_media_refused', host, code),
  };
}

export function mediaStalled(host: string, seconds: number): MediaFailure {
  return { reason: 'media-timeout', step: 'media', message: msg('sum_media_timeout', host, seconds) };
}

export function relayBusy(host: string, retryAfterS: number | undefined): MediaFailure {
  return { reason: 'relay-busy', step: 'wss', message: msg('sum_media_busy', host, retryAfterS ?? 10) };
}

/** The browser gave no statistics of the call in time: it cannot be measured, and the network is not to blame. */
export function browserStatsLate(seconds: number): MediaFailure {
  return {
    status: 'error',
    reason: 'browser-stats-late',
    step: 'media',
    message: msg('sum_media_stats_late', seconds),
  };
}
