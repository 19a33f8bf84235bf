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

/** Shown on the page and kept in the report: what the extension checks that this page does not. */
export const LEFT_OUT: readonly string[] = [
  "The provider's firewall ports (SIP over TLS 5096/5097, the SRTP ranges and the rest of the port table) and the NAT behaviour: a web page cannot open connections to those ports, the extension can.",
  "The browser's own error reasons: when a connection fails, a web page is only told that it failed, not whether the name did not resolve, the connection was refused or the certificate was rejected.",
  "Your provider's other web hosts: a web page may only talk to this relay.",
  'The extended 30-second audio test, the history of earlier runs and the security checklist.',
];

const webOnly = (
  check: Pick<CheckResult, 'id' | 'title' | 'titleMessage'>,
  summary: string,
): CheckResult => ({
  ...check,
  status: 'skip',
  reason: 'not-in-web-check',
  summary,
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
  const skipped = webOnly(PORT_MATRIX, `Not tested by the web check. ${LEFT_OUT[0]}`);
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
  return report.verdict === 'ready'
    ? {
        ...report,
        headline: `${report.headline} The web check did not test the provider's firewall ports.`,
        // The page is English; the message would leave out the sentence above.
        headlineMessage: undefined,
      }
    : report;
}
