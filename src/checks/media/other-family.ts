/**
 * Media over both IP versions. Where the relay offers media on IPv4 and IPv6 and this computer has an
 * address of the other version too, the media check samples the family the audio did not take, briefly and
 * over UDP only (phones send SRTP over UDP): a firewall with rules for IPv4 only leaves phones and apps that
 * prefer IPv6 without audio while the browser's check, over IPv4, passes. Pure: what to sample, and what
 * the second sample changes in the media result.
 *
 * The rule:
 * - the other family carried audio: its figures are added ("Over IPv6 as well: UDP/IPv6, RTT …"), nothing
 *   else changes (its quality is shown, not judged: a sample of a second or two);
 * - it carried none (no path, no DTLS, no echo) while the first family did: a warning, reason
 *   `ipv6-media-fails` (or `ipv4-media-fails`), step of the failed stage; a first family that already warned
 *   or failed keeps its own reason and status, with the sentence added;
 * - the relay was busy, went away or refused the second session: "not measured", no effect on the verdict;
 * - this computer has no address of the other family: "not tested", no effect; nothing at all is said when
 *   the relay offers one family only, or the first sample carried no audio (its failure is the news).
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { english } from '../../messages/render.ts';
import type { MediaReport } from '../../protocol/report.ts';
import type { AddressFamily } from '../address-family.ts';
import type { CheckResult } from '../types.ts';
import { summaryOf } from '../words.ts';
import { figuresOf } from './media-result.ts';

/** What the first sample showed about the two families. */
export interface FamilyEvidence {
  /** The family the first sample's audio crossed (the selected pair's relay address), null if unknown. */
  carried: AddressFamily | null;
  /** The families the relay offered UDP media on. */
  relayFamilies: readonly AddressFamily[];
  /** The families of this computer's own addresses (its host candidates; not link-local, not mDNS names). */
  localFamilies: readonly AddressFamily[];
}

export type OtherFamilyPlan = { family: AddressFamily; sample: boolean } | null;

const other = (f: AddressFamily): AddressFamily => (f === 'IPv4' ? 'IPv6' : 'IPv4');

const mediaOf = (r: CheckResult) => (r.data.media ?? null) as MediaReport | null;

/** Which family to sample second, and whether this computer can (null: nothing to say about a second one). */
export function otherFamilyPlan(first: CheckResult, e: FamilyEvidence): OtherFamilyPlan {
  if (mediaOf(first) === null || e.carried === null) return null;
  const family = other(e.carried);
  if (!e.relayFamilies.includes(family)) return null;
  return { family, sample: e.localFamilies.includes(family) };
}

/** Stage failures of the second sample that mean its family carries no audio on this network. */
const CARRIES_NONE = new Set(['ice-failed', 'dtls-failed', 'no-media-returned', 'media-timeout']);

export type OtherFamilyOutcome = 'carried' | 'fails' | 'not-measured' | 'no-path';

/** The reason a media result that passed gets when the other family carries no audio. */
export const familyFailsReason = (family: AddressFamily) =>
  family === 'IPv6' ? 'ipv6-media-fails' : 'ipv4-media-fails';

function outcomeOf(second: CheckResult | null): OtherFamilyOutcome {
  if (second === null) return 'no-path';
  if (mediaOf(second) !== null) return 'carried';
  return CARRIES_NONE.has(second.reason) ? 'fails' : 'not-measured';
}

function sentenceOf(outcome: OtherFamilyOutcome, family: AddressFamily, second: CheckResult | null): Message {
  const media = second ? mediaOf(second) : null;
  if (outcome === 'carried' && media) return msg('media_family_carried', family, figuresOf(media));
  if (outcome === 'fails') return msg('media_family_fails', family, other(family));
  if (outcome === 'not-measured' && second)
    return msg(
      'media_family_unmeasured',
      family,
      second.summaryMessage ?? msg('options_err_other', second.summary),
    );
  return msg('media_family_no_path', family);
}

/**
 * The first sample's result with the second's outcome: its sentence after the first's summary, its
 * evidence in data.otherFamily, and the warning when the other family carries no audio. `second` null: this
 * computer has no address of that family, so it was not sampled.
 */
export function withOtherFamily(
  first: CheckResult,
  family: AddressFamily,
  second: CheckResult | null,
): CheckResult {
  const outcome = outcomeOf(second);
  const sentence = sentenceOf(outcome, family, second);
  const firstSummary = first.summaryMessage ?? msg('options_err_other', first.summary);
  const warns = outcome === 'fails' && first.status === 'pass';
  return {
    ...first,
    ...(warns ? { status: 'warn', reason: familyFailsReason(family), step: second?.step } : {}),
    ...summaryOf(msg('join_sentences', [firstSummary, sentence])),
    data: {
      ...first.data,
      otherFamily: {
        family,
        outcome,
        reason: second?.reason ?? null,
        step: second?.step ?? null,
        media: second ? mediaOf(second) : null,
        summary: english(sentence),
        summaryMessage: sentence,
      },
    },
  };
}
