/**
 * The NAT binding lifetime check (extended check only): how long this network keeps an idle UDP mapping,
 * against how often a phone refreshes its SIP flow. The relay does the timing (relay/core/binding-lifetime.ts);
 * the browser opens one ICE transport per idle gap towards the relay's UDP port standing in for SIP/UDP 5090,
 * keeps them open, and asks what became of each mapping. Runs where RTCPeerConnection exists.
 */
import { msg } from '../../messages/catalog.ts';
import { refreshInterval } from '../../profiles/refresh.ts';
import type { BindingOutcome, ServerMessage } from '../../protocol/relay-messages.ts';
import { wssUrlFor } from '../../protocol/settings.ts';
import { errorText } from '../error-text.ts';
import { groupAnswerSdp, offerSections } from '../ports/ice-probe.ts';
import { TIMEOUTS } from '../timeouts.ts';
import type { CheckResult } from '../types.ts';
import { summaryOf, titleOf } from '../words.ts';
import { nextReply, openSocket, type SocketSession } from '../ws-session.ts';
import { lifetimeFigures, lifetimeVerdict } from './lifetime-verdict.ts';

export const NAT_BINDING = { id: 'nat-binding', ...titleOf(msg('title_nat_binding')) };

/** The longest a relay may make the measurement last (its longest gap is 300 s at most). */
export const BINDING_MAX_MS = 360_000;
/** The runner's limit for the check: the measurement, plus setting up and reading the outcome. */
export const BINDING_CHECK_LIMIT_MS = BINDING_MAX_MS + 20_000;
/** No check from any transport reached the relay by then: UDP to that port does not get through. */
export const FIRST_HEARD_MS = 10_000;
/** How often the browser asks the relay for the outcomes. */
export const POLL_MS = 1000;

export interface BindingContext {
  RTCPeerConnection: typeof RTCPeerConnection;
  WebSocket: typeof WebSocket;
  now: () => number;
  /** Which browser answers the relay's checks: Firefox stops answering idle transports (lifetime-verdict.ts). */
  browser: 'chrome' | 'firefox';
  /** Aborted when the run stops waiting for the check: its transports and socket are closed at once. */
  signal?: AbortSignal;
}

type Session = Extract<ServerMessage, { type: 'binding-session' }>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function checkBindingLifetime(relayUrl: string, ctx: BindingContext): Promise<CheckResult> {
  const host = new URL(relayUrl).host;
  const started = ctx.now();
  const result = (
    status: CheckResult['status'],
    reason: string,
    message: Parameters<typeof summaryOf>[0],
    data: Record<string, unknown>,
    step?: CheckResult['step'],
  ): CheckResult => ({
    ...NAT_BINDING,
    status,
    reason,
    ...(step ? { step } : {}),
    ...summaryOf(message),
    durationMs: Math.round(ctx.now() - started),
    data,
  });
  const unavailable = (why: string, step: CheckResult['step']) =>
    result('skip', 'binding-unavailable', msg('sum_binding_unavailable', host, why.slice(0, 200)), {}, step);

  const opened = await openSocket(ctx, wssUrlFor(relayUrl), TIMEOUTS.wssOpenMs);
  if (!opened.ok) return unavailable(opened.timedOut ? 'WSS timed out' : 'WSS refused', 'wss');
  const ws = opened.session;
  let pc: RTCPeerConnection | null = null;
  const close = () => {
    pc?.close();
    ws.close();
  };
  ctx.signal?.addEventListener('abort', close, { once: true });
  try {
    ws.send(JSON.stringify({ type: 'binding-start' }));
    const reply = await nextReply(ws, ['binding-session'], TIMEOUTS.wssOpenMs, ctx.now);
    if (reply === null) return unavailable('no answer', 'wss');
    if (reply.type === 'error') return unavailable(reply.message, 'wss');
    const session: Session = reply;
    if (ctx.signal?.aborted) return unavailable('stopped', 'browser');
    pc = new ctx.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-compat', rtcpMuxPolicy: 'require' });
    for (const _ of session.gapsS) pc.addTransceiver('audio', { direction: 'inactive' });
    await pc.setLocalDescription(await pc.createOffer());
    const offer = pc.localDescription?.sdp ?? '';
    const peerUfrag = /^a=ice-ufrag:(\S+)/m.exec(offer)?.[1];
    const peerPwd = /^a=ice-pwd:(\S+)/m.exec(offer)?.[1];
    if (!peerUfrag || !peerPwd) throw new Error('the offer has no ICE credentials');
    ws.send(JSON.stringify({ type: 'binding-peer', ufrag: session.ufrag, peerUfrag, peerPwd }));
    const target = {
      address: session.address,
      relayPort: session.relayPort,
      providerPort: session.providerPort,
    };
    const answer = groupAnswerSdp(
      offerSections(offer),
      session.gapsS.map(() => target),
      session,
    );
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const outcomes = await watch(ws, session, ctx);
    if (outcomes === null) return unavailable('no answer', 'wss');
    const data = { providerPort: session.providerPort, gapsS: session.gapsS, outcomes };
    if (outcomes.length === 0) {
      return result('skip', 'no-mapping', msg('sum_binding_no_mapping', session.providerPort), data, 'ice');
    }
    const figures = lifetimeFigures(session.gapsS, outcomes);
    const refresh = refreshInterval();
    const lost = ctx.browser === 'firefox' ? 'browser-stopped' : 'network-forgot';
    const verdict = lifetimeVerdict(figures, refresh, lost);
    return result(verdict.status, verdict.reason, verdict.message, {
      ...data,
      ...figures,
      refreshS: refresh.seconds,
      refreshBasis: refresh.basis,
    });
  } catch (err) {
    return unavailable(errorText(err), 'browser');
  } finally {
    ctx.signal?.removeEventListener('abort', close);
    close();
  }
}

/**
 * Asks for the outcomes every POLL_MS until every mapping has one, until no mapping was heard in
 * FIRST_HEARD_MS, or until the session ends (capped at BINDING_MAX_MS). Null when the relay stops answering.
 */
async function watch(
  ws: SocketSession,
  session: Session,
  ctx: BindingContext,
): Promise<BindingOutcome[] | null> {
  const start = ctx.now();
  const deadline = start + Math.min(session.expiresInS * 1000, BINDING_MAX_MS);
  let last: BindingOutcome[] = [];
  for (;;) {
    ws.send(JSON.stringify({ type: 'binding-results', ufrag: session.ufrag }));
    const m = await nextReply(ws, ['binding-observed'], TIMEOUTS.wssPingMs, ctx.now);
    if (m === null || m.type !== 'binding-observed') return null;
    last = m.mappings;
    const final = last.filter((o) => o.outcome === 'survived' || o.outcome === 'expired').length;
    if (last.length === session.gapsS.length && final === last.length) return last;
    if (last.length === 0 && ctx.now() - start >= FIRST_HEARD_MS) return last;
    if (ctx.now() >= deadline || ctx.signal?.aborted) return last;
    await sleep(POLL_MS);
  }
}
