/**
 * The quick check from a plain web page on the relay, for people who cannot install the extension: the
 * same check code as the extension (src/checks), given this page's own fetch, WebSocket, RTCPeerConnection
 * and AudioContext, against the relay that serves the page, port matrix included: TLS to the relay's TCP
 * probe ports (which its CSP names and which answer any origin) and ICE to its STUN responders. What a page
 * cannot do is said on the page and in the report.
 */
import { buildReport } from '../src/checks/build-report.ts';
import { type CheckContext, NO_NET_ERRORS } from '../src/checks/context.ts';
import type { ToneSource } from '../src/checks/media/media-context.ts';
import {
  checkSecureMedia,
  defaultMediaOptions,
  mediaCheckLimitMs,
  SECURE_MEDIA,
} from '../src/checks/media/secure-media.ts';
import { runIceProbes, sharedSocketProbe } from '../src/checks/ports/ice-probe.ts';
import { checkPortMatrix, PORT_MATRIX, type PortMatrixContext } from '../src/checks/ports/port-matrix.ts';
import { checkRelayHttps, RELAY_HTTPS } from '../src/checks/relay-https.ts';
import { checkRelayWss, RELAY_WSS } from '../src/checks/relay-wss.ts';
import { type PlannedCheck, runChecks } from '../src/checks/runner.ts';
import { TIMEOUTS } from '../src/checks/timeouts.ts';
import type { CheckResult } from '../src/checks/types.ts';
import { headlineOf } from '../src/checks/words.ts';
import { msg } from '../src/messages/catalog.ts';
import type { Message } from '../src/messages/message.ts';
import { DEFAULT_PROFILE_ID, type ProfileId } from '../src/profiles/index.ts';
import { readBounded } from '../src/protocol/bounded-body.ts';
import { MEDIA_DURATION_MS, ProbeOriginsResponse, parseJson } from '../src/protocol/relay-messages.ts';
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
  /** The port table the matrix probes; the desk phones' by default. */
  profile?: ProfileId;
}

/** Shown on the page (and the first kept in the report): what the extension checks that this page does not. */
export const LEFT_OUT: readonly Message[] = [
  msg('web_left_out_reasons'),
  msg('web_left_out_hosts'),
  msg('web_left_out_extras'),
];

/**
 * The probe origins this page's CSP lets it connect to (the relay says, GET /web/probe-origins); none when it
 * does not say in time: those ports are then reported not measured, never refused.
 */
async function probeOriginsOf(env: WebCheckEnv): Promise<ReadonlySet<string>> {
  try {
    const res = await env.fetch(new URL('/web/probe-origins', env.relayUrl), {
      signal: AbortSignal.timeout(TIMEOUTS.httpsMs),
    });
    const body = res.ok ? await readBounded(res) : null;
    const parsed = body?.ok ? parseJson(ProbeOriginsResponse, body.text) : null;
    return new Set(parsed?.ok ? parsed.value.origins.map((o) => new URL(o).origin) : []);
  } catch {
    return new Set();
  }
}

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
  const profile = env.profile ?? DEFAULT_PROFILE_ID;
  const ports = async () => {
    const origins = await probeOriginsOf(env);
    const portCtx: PortMatrixContext = {
      ...ctx,
      iceProbes: (targets, creds, ms) => runIceProbes(env.RTCPeerConnection, targets, creds, ms, env.now),
      natProbe: (targets, creds, ms) => sharedSocketProbe(env.RTCPeerConnection, targets, creds, ms, env.now),
      mayConnect: (origin) => origins.has(origin),
    };
    return checkPortMatrix(env.relayUrl, profile, portCtx);
  };
  const plan: PlannedCheck[] = [
    { ...RELAY_HTTPS, run: () => checkRelayHttps(env.relayUrl, ctx) },
    { ...RELAY_WSS, run: () => checkRelayWss(env.relayUrl, ctx) },
    {
      ...SECURE_MEDIA,
      run: () =>
        checkSecureMedia(
          env.relayUrl,
          'quick',
          {
            RTCPeerConnection: env.RTCPeerConnection,
            WebSocket: env.WebSocket,
            now: env.now,
            createTone: env.createTone,
          },
          { ...defaultMediaOptions('quick'), profile },
        ),
      limitMs: mediaCheckLimitMs(MEDIA_DURATION_MS.quick),
    },
    { ...PORT_MATRIX, run: ports },
  ];
  const results = await runChecks(plan, onResult, env.now);
  const report = buildReport(
    {
      runId: env.newRunId(),
      startedAt,
      finishedAt: env.isoNow(),
      relayUrl: env.relayUrl,
      extensionVersion: 'none (web check)',
      browser: `web page (${env.browserName})`,
    },
    results,
  );
  // "Ready" from a page says less than from the extension: it was not told why anything failed.
  if (report.verdict !== 'ready') return report;
  return { ...report, ...headlineOf(msg('headline_web_ready', report.headlineMessage ?? report.headline)) };
}
