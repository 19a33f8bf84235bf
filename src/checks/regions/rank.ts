/**
 * Which relay (region) to recommend, from what each one measured. Pure: plain figures in, an order and the
 * reason in words out, so every tie and gap is unit-tested.
 *
 * The measure is the one the verdict uses: the MOS (E-model, from the round trip, jitter and the worse
 * one-way loss). MOS is compared as the report shows it, to one decimal, because a difference below that is
 * noise of a short sample; between relays that sound alike, less loss, then a shorter round trip, then less
 * jitter decides, and when all of those are equal the configured relay (then the list's order) stays first.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';

/** One relay's figures; a figure is null when it was not measured. */
export interface RelayFigures {
  /** The name the report shows, e.g. "Frankfurt" (the host when the settings give none). */
  name: string;
  url: string;
  /** The relay the rest of the check ran against (settings.relayUrl). */
  primary: boolean;
  /** HTTPS to the relay's probe endpoint, ms. */
  httpsMs: number | null;
  rttMs: number | null;
  /** The loss the MOS uses (the worse one-way direction where known). */
  lossPercent: number | null;
  jitterMs: number | null;
  mos: number | null;
  /** Why the relay could not be measured (null when it was). */
  problem: Message | null;
}

export type RankBasis = 'mos' | 'loss' | 'rtt' | 'jitter' | 'same' | 'only';

export interface Ranking {
  /** Best first; relays without a MOS last, in the order given. */
  order: RelayFigures[];
  best: RelayFigures | null;
  /** What set the best apart from the runner-up. */
  basis: RankBasis | null;
  /** The recommendation in words, e.g. "Recommended relay: Frankfurt (calls through it would sound best …)". */
  message: Message;
}

const mos1 = (r: RelayFigures) => Math.round((r.mos ?? 0) * 10) / 10;
/** Loss and jitter as the report shows them (one decimal), the round trip in whole ms. */
const loss1 = (r: RelayFigures) => Math.round((r.lossPercent ?? 100) * 10) / 10;
const rtt0 = (r: RelayFigures) => Math.round(r.rttMs ?? Number.MAX_SAFE_INTEGER);
const jitter1 = (r: RelayFigures) => Math.round((r.jitterMs ?? Number.MAX_SAFE_INTEGER) * 10) / 10;

/** The first figure, in the order the comparison uses, where a and b differ; null when they measured alike. */
function difference(a: RelayFigures, b: RelayFigures): { basis: RankBasis; sign: number } | null {
  const steps: Array<[RankBasis, number]> = [
    ['mos', mos1(b) - mos1(a)],
    ['loss', loss1(a) - loss1(b)],
    ['rtt', rtt0(a) - rtt0(b)],
    ['jitter', jitter1(a) - jitter1(b)],
  ];
  for (const [basis, d] of steps) if (d !== 0) return { basis, sign: Math.sign(d) };
  return null;
}

const measured = (r: RelayFigures) => r.mos !== null;

export function rankRelays(relays: readonly RelayFigures[]): Ranking {
  const scored = relays
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => measured(r))
    .sort((a, b) => {
      const d = difference(a.r, b.r);
      if (d) return d.sign;
      // Alike: the configured relay first, then the order the settings list them in.
      return Number(b.r.primary) - Number(a.r.primary) || a.i - b.i;
    })
    .map(({ r }) => r);
  const order = [...scored, ...relays.filter((r) => !measured(r))];
  const [best, next] = scored;
  if (!best) return { order, best: null, basis: null, message: msg('sum_regions_none', relays.length) };
  if (!next) return recommend(order, best, 'only', msg('regions_why_only'));
  const d = difference(best, next);
  const basis: RankBasis = d?.basis ?? 'same';
  return recommend(order, best, basis, why(basis, best, next));
}

function recommend(order: RelayFigures[], best: RelayFigures, basis: RankBasis, reason: Message): Ranking {
  return { order, best, basis, message: msg('sum_regions_recommend', best.name, reason) };
}

function why(basis: RankBasis, best: RelayFigures, next: RelayFigures): Message {
  const mos = mos1(best);
  switch (basis) {
    case 'mos':
      return msg('regions_why_mos', mos, next.name, mos1(next));
    case 'loss':
      return msg('regions_why_loss', mos, next.name, loss1(best), loss1(next));
    case 'rtt':
      return msg('regions_why_rtt', mos, next.name, rtt0(best), rtt0(next));
    case 'jitter':
      return msg('regions_why_jitter', mos, next.name, jitter1(best), jitter1(next));
    default:
      return best.primary
        ? msg('regions_why_same_configured', mos, next.name)
        : msg('regions_why_same_listed', mos, next.name);
  }
}
