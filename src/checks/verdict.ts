/**
 * The run's verdict and headline from its check results. Pure, so every combination is unit-tested.
 *
 * - blocked: a relay check failed (the path Secure Voice needs is closed), or every check failed;
 * - degraded: something warned, or a non-relay target failed;
 * - error: a check crashed and nothing failed outright (we cannot vouch for the result);
 * - ready: everything passed (skipped checks do not count against it).
 */
import type { Verdict } from '../protocol/report.ts';
import type { CheckResult } from './types.ts';

const RELAY_CHECKS = new Set(['relay-https', 'relay-wss']);

export function verdictOf(checks: readonly CheckResult[]): { verdict: Verdict; headline: string } {
  const failed = checks.filter((c) => c.status === 'fail');
  const relayFailed = failed.find((c) => RELAY_CHECKS.has(c.id));
  if (relayFailed) {
    return { verdict: 'blocked', headline: `Blocked: ${relayFailed.title} failed. ${relayFailed.summary}` };
  }
  if (checks.length > 0 && failed.length === checks.length) {
    const first = failed[0] as CheckResult;
    return { verdict: 'blocked', headline: `Blocked: ${first.summary}` };
  }
  const crashed = checks.find((c) => c.status === 'error');
  if (crashed && failed.length === 0) {
    return { verdict: 'error', headline: `The check could not finish: ${crashed.summary}` };
  }
  const degraded = failed[0] ?? crashed ?? checks.find((c) => c.status === 'warn');
  if (degraded) {
    return {
      verdict: 'degraded',
      headline: `Calls may have problems: ${degraded.title}. ${degraded.summary}`,
    };
  }
  if (checks.length === 0) return { verdict: 'error', headline: 'No checks ran.' };
  return { verdict: 'ready', headline: 'Ready for Secure Voice: the relay is reachable over HTTPS and WSS.' };
}
