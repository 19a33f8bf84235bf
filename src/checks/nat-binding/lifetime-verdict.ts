/**
 * What the NAT binding lifetime measurement says, from what became of each idle mapping. Pure.
 *
 * Each gap had its own mapping, all opened at once: a mapping answered after its gap survived that long; one
 * that did not answer was forgotten within it. The lifetime lies between the longest gap survived (with every
 * shorter one survived too) and the shortest gap after which a mapping was gone: the gaps are the resolution.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import type { RefreshInterval } from '../../profiles/refresh.ts';
import type { BindingOutcome } from '../../protocol/relay-messages.ts';
import type { CheckStatus } from '../../protocol/report.ts';

export interface LifetimeFigures {
  /** The gaps the relay tried, in seconds, shortest first. */
  gapsS: number[];
  /** Longest gap survived with every shorter measured gap survived too; null if the shortest was lost. */
  survivedS: number | null;
  /** Shortest gap after which a mapping was gone; null if every measured mapping survived. */
  expiredS: number | null;
  /** Gaps with no final outcome (the mapping was never heard, or never went idle that long). */
  unmeasuredS: number[];
  /** A longer gap survived after a shorter one was lost: a lost request, or a NAT that does not time out alone. */
  contradicted: boolean;
}

export function lifetimeFigures(
  gapsS: readonly number[],
  outcomes: readonly BindingOutcome[],
): LifetimeFigures {
  const final = (g: number) => outcomes.find((o) => o.gapS === g)?.outcome;
  const expired = gapsS.filter((g) => final(g) === 'expired');
  const survived = gapsS.filter((g) => final(g) === 'survived');
  const expiredS = expired.length ? Math.min(...expired) : null;
  const below = survived.filter((g) => expiredS === null || g < expiredS);
  return {
    gapsS: [...gapsS].sort((a, b) => a - b),
    survivedS: below.length ? Math.max(...below) : null,
    expiredS,
    unmeasuredS: gapsS.filter((g) => final(g) !== 'expired' && final(g) !== 'survived'),
    contradicted: expiredS !== null && survived.some((g) => g > expiredS),
  };
}

export interface LifetimeVerdict {
  status: CheckStatus;
  reason: string;
  message: Message;
}

/**
 * Whether a mapping that stopped answering says anything about the network. Firefox's ICE agent stops
 * answering the relay a few seconds after the relay went silent (lab: lost after 3-9 s at any router timeout,
 * on the kernel's default 30/120 s too), so in Firefox a lost mapping is the browser's doing, not the network's.
 */
export type LostMeans = 'network-forgot' | 'browser-stopped';

const basisMessage = (r: RefreshInterval) =>
  msg(r.basis === 'provider' ? 'binding_basis_provider' : 'binding_basis_rfc4787');

/** Pass when the mapping is known to outlive the phones' refresh interval; warn when it is known not to. */
export function lifetimeVerdict(
  f: LifetimeFigures,
  refresh: RefreshInterval,
  lost: LostMeans = 'network-forgot',
): LifetimeVerdict {
  const basis = basisMessage(refresh);
  if (f.survivedS === null && f.expiredS === null) {
    return { status: 'skip', reason: 'not-measured', message: msg('sum_binding_not_measured') };
  }
  if (f.survivedS !== null && f.survivedS >= refresh.seconds) {
    return {
      status: 'pass',
      reason: 'ok',
      message: msg('sum_binding_ok', f.survivedS, refresh.seconds, basis),
    };
  }
  if (f.expiredS === null) {
    // Every measured gap survived, but the longest is shorter than the interval: not enough to tell.
    const longest = f.survivedS ?? 0;
    return {
      status: 'skip',
      reason: 'gaps-too-short',
      message: msg('sum_binding_not_long_enough', longest, refresh.seconds, basis),
    };
  }
  if (lost === 'browser-stopped') {
    // Never blame the network for the browser's limit: the figure cannot be measured in this browser.
    return {
      status: 'skip',
      reason: 'browser-stops-answering',
      message: msg('sum_binding_browser_stops', refresh.seconds),
    };
  }
  const range =
    f.survivedS === null
      ? msg('binding_range_below', f.expiredS)
      : msg('binding_range_between', f.survivedS, f.expiredS);
  return {
    status: 'warn',
    reason: 'binding-short',
    message: msg('sum_binding_short', range, f.gapsS.join(', '), refresh.seconds, basis),
  };
}
