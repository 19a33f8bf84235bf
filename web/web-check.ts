/**
 * The quick check from a plain web page on the relay, for people who cannot install the extension: the
 * same check code as the extension (src/checks), given this page's own fetch, WebSocket, RTCPeerConnection
 * and AudioContext, against the relay that serves the page. What a page cannot do is recorded in the
 * report as skipped checks, so support sees it too.
 */
import { buildReport } from '../src/checks/build-report.ts';
import { type CheckContext, NO_NET_ERRORS } from '../src/checks/context.ts';
import type { ToneSource } from '../src/checks/media/media-context.ts';
import { checkSecureMedia, mediaCheckLimitMs, SECURE_MEDIA } from '../src/checks/media/secure-media.ts';
import { PORT_MATRIX } from '../src/checks/ports/port-matrix.ts';
import { checkRelayHttps, RELAY_HTTPS } from '../src/checks/relay-https.ts';
import { checkRelayWss, RELAY_WSS } from '../src/checks/relay-wss.ts';
import { type PlannedCheck, runChecks } from '../src/checks/runner.ts';
import type { CheckResult } from '../src/checks/types.ts';
import { headlineOf, summaryOf } from '../src/checks/words.ts';
import { msg } from '../src/messages/catalog.ts';
import type { Message } from '../src/messages/message.ts';
import { MEDIA_DURATION_MS } from '../src/protocol/relay-messages.ts';
import type { Report } from '../src/protocol/report.ts';

/** The browser as the web check uses it; main.tsx passes the page's globals, tests pass fakes. */
export interface WebCheckEnv {
  /** The relay: this page's own origin. */
  relayUrl: string;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  RTCPeerConnection: typeof RTCPeerConnection;
  now: () => number;
  createTone: () => Promise<ToneSource>;
  timingFor?: (url: string) => PerformanceResourceTiming | undefined;
  /** e.g. "Chrome 140", for the report's browser field. */
  browserName: string;
  newRunId: () => string;
  isoNow: () => string;
}

/** Shown on the page (and the first kept in the report): what the extension checks that this page does not. */
export const LEFT_OUT: readonly Message[] = [
  msg('web_left_out_ports'),
  msg('web_left_out_reasons'),
  msg('web_left_out_hosts'),
  msg('web_left_out_extras'),
];

const webOnly = (check: Pick<CheckResult, 'id' | 'title' | 'titleMessage'>, why: Message): CheckResult => ({
  ...check,
  status: 'skip',
  reason: 'not-in-web-check',
  ...summaryOf(msg('sum_web_not_tested', why)),
  durationMs: 0,
  data: {},
});

/** Short browser name from a user agent, e.g. "Chrome 140" or "Firefox 128". */
export function browserNameOf(userAgent: string): string {
  // Most specific first: Edge also says Chrome and Safari, Chrome also says Safari.
  for (const [token, name] of [
    ['Edg', 'Edge'],
    ['Firefox', 'Firefox'],
    ['Chrome', 'Chrome'],
    ['Version', 'Safari'],
  ]) {
    const m = new RegExp(`${token}/(\\d+)`).exec(userAgent);
    if (m) return `${name} ${m[1]}`;
  }
  return 'unknown browser';
}

export async function runWebCheck(
  env: WebCheckEnv,
  onResult: (result: CheckResult) => void = () => undefined,
): Promise<Report> {
  const startedAt = env.isoNow();
  const ctx: CheckContext = {
    fetch: env.fetch,
    WebSocket: env.WebSocket,
    now: env.now,
    netErrors: NO_NET_ERRORS,
    ...(env.timingFor ? { timingFor: env.timingFor } : {}),
  };
  const plan: PlannedCheck[] = [
    { ...RELAY_HTTPS, run: () => checkRelayHttps(env.relayUrl, ctx) },
    { ...RELAY_WSS, run: () => checkRelayWss(env.relayUrl, ctx) },
    {
      ...SECURE_MEDIA,
      run: () =>
        checkSecureMedia(env.relayUrl, 'quick', {
          RTCPeerConnection: env.RTCPeerConnection,
          WebSocket: env.WebSocket,
          now: env.now,
          createTone: env.createTone,
        }),
      limitMs: mediaCheckLimitMs(MEDIA_DURATION_MS.quick),
    },
  ];
  const results = await runChecks(plan, onResult, env.now);
  const skipped = webOnly(PORT_MATRIX, msg('web_left_out_ports'));
  onResult(skipped);
  const report = buildReport(
    {
      runId: env.newRunId(),
      startedAt,
      finishedAt: env.isoNow(),
      relayUrl: env.relayUrl,
      extensionVersion: 'none (web check)',
      browser: `web page (${env.browserName})`,
    },
    [...results, skipped],
  );
  // "Ready" from a page says less than from the extension: the ports were not tested.
  if (report.verdict !== 'ready') return report;
  return { ...report, ...headlineOf(msg('headline_web_ready', report.headlineMessage ?? report.headline)) };
}
