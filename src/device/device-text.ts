/** What the headset check tells the user, as messages (src/messages): the level verdict or the problem. */
import { msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import type { LevelResult } from './levels.ts';
import type { MicProblem } from './mic-error.ts';

/** The verdict on the recording, with the next step where there is one. */
export function levelMessage(result: LevelResult): Message {
  switch (result.verdict) {
    case 'ok':
      return msg('device_level_ok', result.speakingDb ?? 0);
    case 'quiet':
      return msg('device_level_quiet', result.speakingDb ?? 0);
    case 'silent':
      return msg('device_level_silent');
    case 'clipping':
      return msg('device_level_clipping', Math.round(result.clippedShare * 100));
    case 'unmeasured':
      return msg('device_level_unmeasured');
  }
}

/** Why the check could not record, and what to do about it. */
export function problemMessage(problem: MicProblem, detail: string, waitedS: number): Message {
  switch (problem) {
    case 'denied':
      return msg('device_err_denied');
    case 'no-device':
      return msg('device_err_no_device');
    case 'busy':
      return msg('device_err_busy');
    case 'timeout':
      return msg('device_err_timeout', waitedS);
    case 'unsupported':
      return msg('device_err_unsupported');
    case 'recording':
      return msg('device_err_recording', detail);
    case 'other':
      return msg('device_err_other', detail);
  }
}
