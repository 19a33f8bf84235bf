/**
 * The run's verdict and headline from its check results. Pure, so every combination is unit-tested.
 *
 * Blocked runs lead with what breaks first for the user: the relay (nothing can be tested), then Secure Voice
 * signaling (SIP over TLS: phones cannot register at all), then secure media, then the other ports; quality
 * problems only make a run degraded.
 *
 * - blocked: a relay check failed, or secure media could not get through (ICE, DTLS, no echo, no SRTP), or
 *   Secure Voice ports of the provider's table are blocked, or every check failed: Secure Voice needs the
 *   TLS signaling path, its ports, and SRTP media;
 * - error: the relay went away, was busy or refused the session mid-run, or a check crashed with nothing else failing: the result
 *   says nothing about this network, so the user should retry;
 * - degraded: something warned, or a non-essential target failed;
 * - ready: everything passed (skipped checks do not count against it).
 */
import { msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import type { Verdict } from '../protocol/report.ts';
import { blockedSecureRows, rowRulesMessage } from './ports/rollup.ts';
import type { RowResult } from './ports/types.ts';
import { proxyHeadline, proxyOfChecks } from './proxy-headline.ts';
import type { CheckResult } from './types.ts';
import { headlineOf } from './words.ts';

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

/** What a check says, as a message: its own, or its stored English for a result from before messages. */
const titleMessage = (c: CheckResult): string | Message => c.titleMessage ?? c.title;
const summaryMessage = (c: CheckResult): string | Message => c.summaryMessage ?? c.summary;

export interface VerdictWords {
  verdict: Verdict;
  /** In English: the rendering of headlineMessage. */
  headline: string;
  headlineMessage: Message;
}

const said = (verdict: Verdict, message: Message): VerdictWords => ({ verdict, ...headlineOf(message) });

/**
 * The headline when the port check found Secure Voice signaling blocked, naming its ports, and the media
 * ports (or the media check's failure) after them; null when signaling is open.
 */
function signalingBlocked(
  failed: readonly CheckResult[],
  mediaFailed: CheckResult | undefined,
): Message | null {
  const ports = failed.find((c) => c.id === 'port-matrix' && c.reason === 'ports-blocked');
  const rows = (ports?.data.rows ?? []) as RowResult[];
  const { signaling, media } = blockedSecureRows(rows);
  if (signaling.length === 0) return null;
  const mediaWords =
    media.length > 0 ? rowRulesMessage(media) : mediaFailed ? summaryMessage(mediaFailed) : null;
  return mediaWords
    ? msg('headline_signaling_media_blocked', rowRulesMessage(signaling), mediaWords)
    : msg('headline_signaling_blocked', rowRulesMessage(signaling));
}

export function verdictOf(checks: readonly CheckResult[]): VerdictWords {
  const failed = checks.filter((c) => c.status === 'fail');
  const relayFailed = failed.find((c) => RELAY_CHECKS.has(c.id));
  if (relayFailed) {
    return said(
      'blocked',
      msg('headline_blocked_check', titleMessage(relayFailed), summaryMessage(relayFailed)),
    );
  }
  const trouble = failed.find((c) => RELAY_TROUBLE.has(c.reason));
  if (trouble) return said('error', msg('headline_could_not_finish', summaryMessage(trouble)));
  const mediaBlocked = failed.find((c) => MEDIA_BLOCKED.has(c.reason));
  // Through a proxy, phones' direct access was not tested: the headline says so whatever else was found.
  const proxy = proxyOfChecks(checks);
  if (proxy) {
    const h = proxyHeadline(proxy, checks, mediaBlocked?.summaryMessage ?? null);
    return said(h.verdict, h.message);
  }
  const signaling = signalingBlocked(failed, mediaBlocked);
  if (signaling) return said('blocked', signaling);
  if (mediaBlocked) return said('blocked', msg('headline_media_blocked', summaryMessage(mediaBlocked)));
  const portsBlocked = failed.find((c) => c.id === 'port-matrix' && c.reason === 'ports-blocked');
  if (portsBlocked) return said('blocked', msg('headline_ports_blocked', summaryMessage(portsBlocked)));
  if (checks.length > 0 && failed.length === checks.length) {
    const first = failed[0] as CheckResult;
    return said('blocked', msg('headline_blocked', summaryMessage(first)));
  }
  const crashed = checks.find((c) => c.status === 'error');
  if (crashed && failed.length === 0) {
    return said('error', msg('headline_could_not_finish', summaryMessage(crashed)));
  }
  const degraded = failed[0] ?? crashed ?? checks.find((c) => c.status === 'warn');
  if (degraded) {
    return said('degraded', msg('headline_degraded', titleMessage(degraded), summaryMessage(degraded)));
  }
  if (checks.length === 0) return said('error', msg('headline_no_checks'));
  const passed = (id: string) => checks.some((c) => c.id === id && c.status === 'pass');
  const media = passed('secure-media');
  const ports = passed('port-matrix');
  // "HTTPS and WSS reach the relay", then what else was proven.
  const ready =
    media && ports
      ? 'headline_ready_all'
      : media
        ? 'headline_ready_media'
        : ports
          ? 'headline_ready_ports'
          : 'headline_ready_relay';
  return said('ready', msg(ready));
}
