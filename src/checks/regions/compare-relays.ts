/**
 * Compares relays (regions): the configured relay's figures come from the run's own HTTPS and media checks;
 * every other relay gets HTTPS to its probe endpoint and a quick media sample, one relay at a time after the
 * run's media check, so no two audio streams share this computer's network or processor while measured.
 */
import * as v from 'valibot';
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { english } from '../../messages/render.ts';
import { type MediaReport, MediaReportSchema } from '../../protocol/report.ts';
import type { CheckContext } from '../context.ts';
import { checkRelayHttps } from '../relay-https.ts';
import type { CheckResult } from '../types.ts';
import { summaryOf, titleOf } from '../words.ts';
import { type RelayFigures, rankRelays } from './rank.ts';
import type { RelayToCompare } from './relay-list.ts';

export const RELAY_COMPARISON = { id: 'relay-comparison', ...titleOf(msg('title_relay_comparison')) };

/** The configured relay's HTTPS and media results as the run's own checks produced them; null: they broke. */
export interface PrimaryResults {
  https: Promise<CheckResult | null>;
  media: Promise<CheckResult | null>;
}

export type QuickMedia = (relayUrl: string) => Promise<CheckResult>;

const reached = (https: CheckResult) => https.status !== 'fail' && https.status !== 'error';
const said = (c: CheckResult): Message => c.summaryMessage ?? msg('options_err_other', c.summary);

/** The 95 % interval of the loss figure the MOS used; null when the report does not carry it. */
function intervalOf(m: MediaReport): RelayFigures['lossInterval'] {
  const scored = m.loss?.scored;
  if (!scored) return null;
  const figure = m.loss?.[scored === 'round-trip' ? 'roundTrip' : scored];
  return figure ? { low: figure.low, high: figure.high } : null;
}

/** A relay's figures from its HTTPS and media results (pure). */
export function figuresOf(
  relay: RelayToCompare,
  https: CheckResult | null,
  media: CheckResult | null,
): RelayFigures {
  const base = {
    ...relay,
    httpsMs: null,
    rttMs: null,
    lossPercent: null,
    lossInterval: null,
    jitterMs: null,
    mos: null,
  };
  if (!https) return { ...base, problem: msg('regions_broke_off') };
  if (!reached(https)) return { ...base, problem: said(https) };
  const httpsMs = https.durationMs;
  const parsed = v.safeParse(MediaReportSchema, media?.data.media);
  if (!media || !parsed.success || parsed.output.mos === null) {
    return { ...base, httpsMs, problem: media ? said(media) : msg('regions_broke_off') };
  }
  const m = parsed.output;
  return {
    ...base,
    httpsMs,
    rttMs: m.rttMs,
    lossPercent: m.lossPercent,
    lossInterval: intervalOf(m),
    jitterMs: m.jitterMs,
    mos: m.mos,
    problem: null,
  };
}

/** The comparison as a check result (pure): pass when every relay was measured, warn naming those that were not. */
export function comparisonResult(figures: readonly RelayFigures[], durationMs: number): CheckResult {
  const ranking = rankRelays(figures);
  const missing = figures.filter((f) => f.problem !== null);
  const summary =
    ranking.best && missing.length > 0
      ? msg(
          'sum_regions_with_unmeasured',
          ranking.message,
          missing.map((f) => msg('regions_not_measured', f.name, f.problem as Message)),
        )
      : ranking.message;
  const status = ranking.best === null ? 'skip' : missing.length > 0 ? 'warn' : 'pass';
  const reason =
    ranking.best === null ? 'no-relay-measured' : missing.length > 0 ? 'relays-not-measured' : 'ok';
  return {
    ...RELAY_COMPARISON,
    status,
    reason,
    ...summaryOf(summary),
    durationMs,
    data: {
      relays: ranking.order.map(({ problem, ...f }) => ({
        ...f,
        problem: problem ? english(problem) : null,
        problemMessage: problem,
      })),
      recommended: ranking.best?.url ?? null,
      basis: ranking.basis,
    },
  };
}

export async function compareRelays(
  relays: readonly RelayToCompare[],
  primary: PrimaryResults,
  quickMedia: QuickMedia,
  ctx: CheckContext,
): Promise<CheckResult> {
  const started = ctx.now();
  const figures: RelayFigures[] = [];
  // The run's own media check first: the others wait for it, so they do not disturb its figures.
  const [primaryHttps, primaryMedia] = await Promise.all([primary.https, primary.media]);
  for (const relay of relays) {
    if (relay.primary) {
      figures.push(figuresOf(relay, primaryHttps, primaryMedia));
      continue;
    }
    const https = await checkRelayHttps(relay.url, ctx).catch(() => null);
    const media = https && reached(https) ? await quickMedia(relay.url).catch(() => null) : null;
    figures.push(figuresOf(relay, https, media));
  }
  return comparisonResult(figures, Math.round(ctx.now() - started));
}
