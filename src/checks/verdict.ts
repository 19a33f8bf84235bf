/**
 * The run's verdict and headline from its check results. Pure, so every combination is unit-tested.
 *
 * - blocked: a relay check failed, or secure media could not get through (ICE, DTLS, no echo, no SRTP), or
 *   Secure Voice ports of the provider's table are blocked, or every check failed: Secure Voice needs the
 *   TLS signaling path, its ports, and SRTP media;
 * - error: the relay went away, was busy or refused the session mid-run, or a check crashed with nothing else failing: the result
 *   says nothing about this network, so the user should retry;
 * - degraded: something warned, or a non-essential target failed;
 * - ready: everything passed (skipped checks do not count against it).
 */
import type { Verdict } from '../protocol/report.ts';
import type { CheckResult } from './types.ts';

const RELAY_CHECKS = new Set(['relay-https', 'relay-wss']);
const MEDIA_BLOCKED = new Set([
  'signaling-failed',
  'ice-failed',
  'dtls-failed',
  'no-media-returned',
  'no-srtp',
  'media-timeout',
]);
const RELAY_TROUBLE = new Set(['relay-went-away', 'relay-busy', 'relay-refused']);

export function verdictOf(checks: readonly CheckResult[]): { verdict: Verdict; headline: string } {
  const failed = checks.filter((c) => c.status === 'fail');
  const relayFailed = failed.find((c) => RELAY_CHECKS.has(c.id));
  if (relayFailed) {
    return { verdict: 'blocked', headline: `Blocked: ${relayFailed.title} failed. ${relayFailed.summary}` };
  }
  const trouble = failed.find((c) => RELAY_TROUBLE.has(c.reason));
  if (trouble) return { verdict: 'error', headline: `The check could not finish: ${trouble.summary}` };
  const mediaBlocked = failed.find((c) => MEDIA_BLOCKED.has(c.reason));
  if (mediaBlocked) {
    return {
      verdict: 'blocked',
      headline: `Calls may connect, but secure media is blocked. ${mediaBlocked.summary}`,
    };
  }
  const portsBlocked = failed.find((c) => c.id === 'port-matrix' && c.reason === 'ports-blocked');
  if (portsBlocked) {
    return {
      verdict: 'blocked',
      headline: `Blocked: the provider's ports are closed. ${portsBlocked.summary}`,
    };
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
  const passed = (id: string) => checks.some((c) => c.id === id && c.status === 'pass');
  const parts = ['HTTPS and WSS reach the relay'];
  if (passed('secure-media')) parts.push('encrypted audio made the round trip');
  if (passed('port-matrix')) parts.push("the provider's ports are open");
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
  return { verdict: 'ready', headline: `Ready for Secure Voice: ${list}.` };
}
