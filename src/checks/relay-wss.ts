/**
 * WSS to the relay: connect, read the relay's hello (TLS as the relay saw it), then ping round trips. This is
 * the path SIP-over-WebSocket signaling takes, so a proxy that breaks WebSocket upgrades shows up here.
 */

import { msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import { parseJson, ServerMessage } from '../protocol/relay-messages.ts';
import { wssUrlFor } from '../protocol/settings.ts';
import type { CheckContext } from './context.ts';
import { classifyFailure, netFailure, restrictedPortFailure } from './failure.ts';
import { summarizeRtts } from './rtt-stats.ts';
import type { ReportPartial } from './runner.ts';
import { timedFetch } from './timed-fetch.ts';
import { TIMEOUTS, WSS_PINGS } from './timeouts.ts';
import type { CheckResult } from './types.ts';
import { summaryOf, titleOf } from './words.ts';
import { openSocket, type SocketSession } from './ws-session.ts';

export const RELAY_WSS = { id: 'relay-wss', ...titleOf(msg('title_relay_wss')) };

/** Above this median round trip, signaling works but feels slow. */
export const SLOW_WSS_RTT_MS = 250;

/**
 * `partial`: told once the WebSocket is open and the relay's hello is valid, so the user sees WSS works while
 * the pings run; the result returned replaces it (with the pings' figures, or the failure while pinging).
 */
export async function checkRelayWss(
  relayUrl: string,
  ctx: CheckContext,
  partial: ReportPartial = () => {},
): Promise<CheckResult> {
  const url = new URL(wssUrlFor(relayUrl));
  const refused = restrictedPortFailure(RELAY_WSS, url);
  if (refused) return refused;

  const started = ctx.now();
  const opened = await openSocket(ctx, url.toString(), TIMEOUTS.wssOpenMs);
  if (!opened.ok) {
    const durationMs = Math.round(ctx.now() - started);
    return diagnoseOpenFailure(ctx, url, opened.timedOut, opened.closeCode, durationMs);
  }
  const session = opened.session;
  try {
    const connectMs = Math.round(ctx.now() - started);
    const hello = await session.next(TIMEOUTS.wssOpenMs);
    if (hello === null && session.closed()) {
      return relayWentAway(url, Math.round(ctx.now() - started), msg('phrase_right_after_connecting'));
    }
    const helloMsg = hello === null ? null : parseJson(ServerMessage, hello);
    if (!helloMsg?.ok || helloMsg.value.type !== 'hello') {
      return protocolFailure(url, Math.round(ctx.now() - started), msg('phrase_no_hello'));
    }
    const tls = helloMsg.value.tls;
    const opened = { url: url.toString(), connectMs, tlsVersion: tls.protocol, tlsCipher: tls.cipher };
    partial({
      ...RELAY_WSS,
      status: 'pass',
      reason: 'pings-pending',
      ...summaryOf(msg('sum_wss_open_pinging', connectMs, WSS_PINGS)),
      durationMs: Math.round(ctx.now() - started),
      data: opened,
    });
    const rtts = await pingRounds(session, ctx);
    const durationMs = Math.round(ctx.now() - started);
    if (rtts === 'closed') return relayWentAway(url, durationMs, msg('phrase_while_pinging'));
    const stats = summarizeRtts(rtts);
    const data = { ...opened, ...stats };
    if (stats.received === 0) {
      return {
        ...RELAY_WSS,
        status: 'fail',
        reason: 'no-pong',
        step: 'wss',
        ...summaryOf(msg('sum_wss_no_pong', url.host)),
        durationMs,
        data,
      };
    }
    const degraded = stats.received < WSS_PINGS || (stats.medianMs ?? 0) > SLOW_WSS_RTT_MS;
    return {
      ...RELAY_WSS,
      status: degraded ? 'warn' : 'pass',
      reason: degraded ? (stats.received < WSS_PINGS ? 'pings-lost' : 'slow') : 'ok',
      ...summaryOf(
        degraded
          ? msg('sum_wss_degraded', stats.received, WSS_PINGS, stats.medianMs ?? 0)
          : msg('sum_wss_ok', connectMs, WSS_PINGS, stats.medianMs ?? 0),
      ),
      durationMs,
      data,
    };
  } finally {
    session.close();
  }
}

async function pingRounds(
  session: SocketSession,
  ctx: CheckContext,
): Promise<Array<number | null> | 'closed'> {
  const rtts: Array<number | null> = [];
  for (let seq = 0; seq < WSS_PINGS; seq++) {
    const t = ctx.now();
    if (!session.send(JSON.stringify({ type: 'ping', seq, t }))) return 'closed';
    let rtt: number | null = null;
    for (;;) {
      const left = TIMEOUTS.wssPingMs - (ctx.now() - t);
      const text = left > 0 ? await session.next(left) : null;
      if (text === null) break;
      const msg = parseJson(ServerMessage, text);
      if (msg.ok && msg.value.type === 'pong' && msg.value.seq === seq) {
        rtt = Math.round((ctx.now() - t) * 10) / 10;
        break;
      }
    }
    if (rtt === null && session.closed()) return 'closed';
    rtts.push(rtt);
  }
  return rtts;
}

/**
 * Browsers report nothing about why a WebSocket failed (Chromium's webRequest does not even see the
 * extension's own WebSocket requests). An HTTPS request to the same host and port tells the cases apart:
 * if it fails, that failure is the reason; if it works, the WebSocket upgrade itself is being blocked.
 */
async function diagnoseOpenFailure(
  ctx: CheckContext,
  url: URL,
  timedOut: boolean,
  closeCode: number | null,
  durationMs: number,
): Promise<CheckResult> {
  const direct = await classifyFailure(ctx, url, timedOut);
  if (direct.browserError || timedOut) {
    return netFailure(RELAY_WSS, url, direct.reason, durationMs, direct.browserError, { closeCode });
  }
  const sameOrigin = new URL('/healthz', url.toString().replace(/^ws/, 'http'));
  const viaHttps = await timedFetch(ctx, sameOrigin);
  if (!viaHttps.ok) {
    return netFailure(RELAY_WSS, url, viaHttps.reason, durationMs, viaHttps.browserError, {
      closeCode,
      diagnosedVia: sameOrigin.toString(),
    });
  }
  return {
    ...RELAY_WSS,
    status: 'fail',
    reason: 'wss-upgrade-blocked',
    step: 'wss',
    ...summaryOf(msg('sum_wss_upgrade_blocked', url.host, viaHttps.status)),
    durationMs,
    data: { url: url.toString(), closeCode, httpsStatus: viaHttps.status },
  };
}

function relayWentAway(url: URL, durationMs: number, when: Message): CheckResult {
  return {
    ...RELAY_WSS,
    status: 'fail',
    reason: 'relay-went-away',
    step: 'wss',
    ...summaryOf(msg('sum_wss_went_away', url.host, when)),
    durationMs,
    data: { url: url.toString() },
  };
}

function protocolFailure(url: URL, durationMs: number, detail: Message): CheckResult {
  return {
    ...RELAY_WSS,
    status: 'fail',
    reason: 'relay-bad-response',
    step: 'wss',
    ...summaryOf(msg('sum_wss_bad_response', url.host, detail)),
    durationMs,
    data: { url: url.toString() },
  };
}
