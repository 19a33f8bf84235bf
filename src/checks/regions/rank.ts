/**
 * Which relay (region) to recommend, from what each one measured. Pure: plain figures in, an order and the
 * reason in words out, so every tie and gap is unit-tested.
 *
 * The measure is the one the verdict uses: the MOS (E-model, from the round trip, jitter and the worse
 * one-way loss); then less loss, a shorter round trip, less jitter. A relay is recommended over the configured
 * one only when their short samples can tell them apart (resolution.ts: MOS by more than 0.1 with loss, round
 * trip or jitter apart as well); relays that measured alike within that are equivalent, and the configured
 * relay stays (or, when it could not be measured, the first of them in the list).
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { type Figure, figuresApart } from './resolution.ts';

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
  /** That loss figure's 95 % interval, in percent (null: not known). */
  lossInterval?: { low: number; high: number } | null;
  jitterMs: number | null;
  mos: number | null;
  /** Why the relay could not be measured (null when it was). */
  problem: Message | null;
}

export type RankBasis = Figure | 'same' | 'only';

export interface Ranking {
  /** Best first; relays without a MOS last, in the order given. */
  order: RelayFigures[];
  best: RelayFigures | null;
  /**
   * What set the best apart from the relay it is compared with (the configured relay when another is
   * recommended, else the runner-up); 'same': their samples cannot tell them apart.
   */
  basis: RankBasis | null;
  /** The relay the reason compares the best with (null when it is the only one measured). */
  against: RelayFigures | null;
  /** The recommendation in words, e.g. "Recommended relay: Frankfurt (calls through it would sound best …)". */
  message: Message;
}

const mos1 = (r: RelayFigures) => Math.round((r.mos ?? 0) * 10) / 10;
/** Loss and jitter as the report shows them (one decimal), the round trip in whole ms. */
const loss1 = (r: RelayFigures) => Math.round((r.lossPercent ?? 100) * 10) / 10;
const rtt0 = (r: RelayFigures) => Math.round(r.rttMs ?? Number.MAX_SAFE_INTEGER);
const jitter1 = (r: RelayFigures) => Math.round((r.jitterMs ?? Number.MAX_SAFE_INTEGER) * 10) / 10;

/** The first figure, in the order the comparison uses, where a and b differ as shown; null when alike. */
function difference(a: RelayFigures, b: RelayFigures): { basis: Figure; sign: number } | null {
  const steps: Array<[Figure, number]> = [
    ['mos', mos1(b) - mos1(a)],
    ['loss', loss1(a) - loss1(b)],
    ['rtt', rtt0(a) - rtt0(b)],
    ['jitter', jitter1(a) - jitter1(b)],
  ];
  for (const [basis, d] of steps) if (d !== 0) return { basis, sign: Math.sign(d) };
  return null;
}

/** The figure that sets a and b apart beyond their samples' noise, and which is better; null: equivalent. */
function resolved(a: RelayFigures, b: RelayFigures): { basis: Figure; sign: number } | null {
  const [basis] = figuresApart(a, b);
  if (!basis) return null;
  // Negative when a is the better one, as a sort wants it.
  const better: Record<Figure, number> = {
    mos: (b.mos ?? 0) - (a.mos ?? 0),
    loss: (a.lossPercent ?? 100) - (b.lossPercent ?? 100),
    rtt: (a.rttMs ?? 0) - (b.rttMs ?? 0),
    jitter: (a.jitterMs ?? 0) - (b.jitterMs ?? 0),
  };
  return { basis, sign: Math.sign(better[basis]) };
}

const measured = (r: RelayFigures) => r.mos !== null;

export function rankRelays(relays: readonly RelayFigures[]): Ranking {
  const index = (r: RelayFigures) => relays.indexOf(r);
  const sorted = relays.filter(measured).sort((a, b) => {
    // A difference the samples can resolve first, then the figures as shown (for the table's order).
    const d = resolved(a, b) ?? difference(a, b);
    if (d) return d.sign;
    return Number(b.primary) - Number(a.primary) || index(a) - index(b);
  });
  const [top] = sorted;
  if (!top) {
    return {
      order: [...relays],
      best: null,
      basis: null,
      against: null,
      message: msg('sum_regions_none', relays.length),
    };
  }
  // Those the top relay's sample cannot be told apart from are equivalent: the configured relay among them
  // stays, else the first of them in the list.
  const alike = sorted.filter((r) => r === top || resolved(r, top) === null);
  const configured = sorted.find((r) => r.primary);
  const first = alike.reduce((a, b) => (index(b) < index(a) ? b : a));
  const best = configured && resolved(configured, first) === null ? configured : first;
  const scored = [best, ...sorted.filter((r) => r !== best)];
  const order = [...scored, ...relays.filter((r) => !measured(r))];
  const against = best.primary || !configured ? scored[1] : configured;
  if (!against) return recommend(order, best, null, 'only', msg('regions_why_only'));
  const basis: RankBasis = resolved(best, against)?.basis ?? 'same';
  if (basis === 'same') {
    const key = best.primary ? 'sum_regions_alike_configured' : 'sum_regions_alike_listed';
    return { order, best, basis, against, message: msg(key, best.name, against.name, mos1(best)) };
  }
  return recommend(order, best, against, basis, why(basis, best, against));
}

function recommend(
  order: RelayFigures[],
  best: RelayFigures,
  against: RelayFigures | null,
  basis: RankBasis,
  reason: Message,
): Ranking {
  return { order, best, basis, against, message: msg('sum_regions_recommend', best.name, reason) };
}

function why(basis: Figure, best: RelayFigures, next: RelayFigures): Message {
  const mos = mos1(best);
  switch (basis) {
    case 'mos':
      return msg('regions_why_mos', mos, next.name, mos1(next));
    case 'loss':
      return msg('regions_why_loss', mos, next.name, loss1(best), loss1(next));
    case 'rtt':
      return msg('regions_why_rtt', mos, next.name, rtt0(best), rtt0(next));
    default:
      return msg('regions_why_jitter', mos, next.name, jitter1(best), jitter1(next));
  }
}
