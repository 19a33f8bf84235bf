/**
 * One WSS connection's shell: feeds client text, session events, deadlines, draining and shutdown to the
 * core, and performs the actions it returns (send, close, start/end the werift session). Holds the
 * connection's only mutable state: the core's state, the session, one deadline timer and the heartbeat.
 */
import { type WebSocket, WebSocket as WebSocketClass } from 'ws';
import type { ServerMessage, StandIn } from '../protocol/relay-messages.ts';
import type { AddressLimits } from './core/address-limits.ts';
import { type BindingLifetimes, bindingPort } from './core/binding-lifetime.ts';
import type { CheckRateOptions } from './core/check-rate.ts';
import {
  type Action,
  type ConnectionState,
  initialConnectionState,
  nextDeadline,
  refuse,
  type Step,
} from './core/connection-state.ts';
import { DtlsSeen } from './core/dtls-seen.ts';
import { handleClientText } from './core/handle-message.ts';
import {
  handleClosed,
  handleDrain,
  handleSessionEvent,
  handleShutdown,
  handleTimer,
  type SessionEvent,
} from './core/handle-session-event.ts';
import type { MediaPorts, MediaRange } from './core/media-ports.ts';
import type { OfferPlan } from './core/offer-plan.ts';
import { NAT_ANSWER_DELAY_MS, type OwnerId, type ProbeRegistry } from './core/probe-sessions.ts';
import { ReceiveCounts } from './core/receive-counts.ts';
import type { Logger } from './logger.ts';
import { type EchoPath, EchoSession } from './media/echo-session.ts';
import type { EchoPriority, NativeEcho } from './media/native/native-echo.ts';
import { portFree } from './media/port-free.ts';
import type { RelayMetrics } from './metrics/relay-metrics.ts';
import type { ProbePortsStatus } from './probes/probe-listeners.ts';
import { errorMessage, runInSessionScope } from './session-scope.ts';

export interface MediaSettings {
  address: string;
  /** An IPv6 address media binds to and advertises as well (--media-address6); none: IPv4 only. */
  address6?: string | null;
  iceTcp: boolean;
  /** Default 'lean' (see media/echo-session.ts). */
  echoPath?: EchoPath;
  /** The native echo add-on, loaded (media/native/choose-echo.ts); needed by echoPath 'native'. */
  nativeEcho?: NativeEcho | null;
  /** Whether the native echo reads in its own thread (default) or in the main loop (--native-echo-thread). */
  nativeEchoThread?: boolean;
  /** How the native echo's thread is scheduled (--native-echo-priority); default 'auto'. */
  nativeEchoPriority?: EchoPriority;
  setupTimeoutMs: number;
  /** Set when the media ranges stand in for the provider's (--media-stand-in): each range's provider range. */
  standsFor?: Record<MediaRange, StandIn>;
}

/** Limits on what one connection, and one client address, may do. */
export interface ConnectionLimits {
  /** A ws ping goes out this often (wss.ts); a connection that has not answered the previous one is terminated. */
  heartbeatMs: number;
  /** A connection that sends neither an offer nor a probe-start within this is closed (4000 'idle'). */
  idleTimeoutMs: number;
  /** Inbound bitrate cap of one media session. */
  sessionMaxBitsPerSecond: number;
  /** ICE checks a second a media session verifies from sources not proven to receive (check-rate.ts). */
  unprovenChecks: CheckRateOptions;
}

/** The probe sessions (shared with the UDP probe ports) and which probe ports are open. */
export interface ProbeService {
  registry: ProbeRegistry;
  status(): ProbePortsStatus;
  /** NAT binding lifetime sessions, which the UDP probe ports also serve. */
  bindings: BindingLifetimes;
  /** A binding session started: the relay's timer for its requests runs until none is live. */
  wake(): void;
}

export interface ConnectionDeps {
  /** Names this connection's probe sessions in the shared registry. */
  id: OwnerId;
  /** The client's address as this connection's socket saw it (null if the socket did not say). */
  clientAddress: string | null;
  /** The client's address as the per-address limits count it (http/client-key.ts). */
  clientKey: string;
  pool: MediaPorts;
  addressLimits: AddressLimits;
  probes: ProbeService;
  media: MediaSettings;
  limits: ConnectionLimits;
  metrics: RelayMetrics;
  log: Logger;
  now: () => number;
}

export interface ConnectionHandle {
  /** No new sessions; a running one is told it has graceMs left. */
  drain(graceMs: number): void;
  /** Tells the client the relay is stopping, ends its session, closes 1001; resolves once the port is free. */
  shutdown(): Promise<void>;
  /** Resolves once the session (if any) has ended and released its port. */
  settled(): Promise<void>;
  /** Terminates the connection if it has not answered the previous ping; pings it otherwise. */
  heartbeat(): void;
}

/**
 * Close reasons that mean the relay refused the client's behaviour (counted in ws_rejected); the others
 * (busy, rate-limited, shutting-down, relay-shutting-down, media-failed) are not the client's fault.
 */
const REJECTIONS = new Set([
  'bad-json',
  'bad-message',
  'too-big',
  'too-many-candidates',
  'bad-state',
  'idle',
]);

/** What the ws library's own errors mean (it closes the connection itself). */
function wsErrorReason(code: string | undefined): string {
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'too-big';
  if (code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return 'too-many-parts';
  return 'protocol-error';
}

export function serveConnection(ws: WebSocket, deps: ConnectionDeps): ConnectionHandle {
  const { metrics } = deps;
  let state: ConnectionState = initialConnectionState({
    setupTimeoutMs: deps.media.setupTimeoutMs,
    idleDeadline: deps.now() + deps.limits.idleTimeoutMs,
    idleTimeoutMs: deps.limits.idleTimeoutMs,
    bindingSessionMs: deps.probes.bindings.sessionMs,
  });
  let session: EchoSession | null = null;
  /** While a port is being checked: an end waits for the session instead of being lost. */
  let starting: Promise<void> | null = null;
  let ended: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let offerAt = 0;

  // Steps run one at a time, in order: an action may produce another step (a refused start, for one).
  const queue: Array<(s: ConnectionState) => Step> = [];
  let draining = false;
  const dispatch = (next: (s: ConnectionState) => Step) => {
    queue.push(next);
    if (draining) return;
    draining = true;
    try {
      for (let fn = queue.shift(); fn; fn = queue.shift()) {
        const step = fn(state);
        state = step.state;
        for (const action of step.actions) perform(action);
      }
    } catch (err) {
      // A bug in the core or in an action: this connection can no longer be trusted to be consistent,
      // so it goes, with its session; every other connection carries on.
      queue.length = 0;
      internalError(err);
    } finally {
      draining = false;
    }
    rearm();
  };

  const internalError = (err: unknown) => {
    metrics.errorsCaught.inc({ scope: 'session' });
    deps.log.error({ event: 'connection-internal-error', err: errorMessage(err) });
    state = { ...state, phase: 'ended' };
    if (session) ended = session.end('error');
    else if (starting) ended = starting.then(() => session?.end('error'));
    if (ws.readyState === WebSocketClass.OPEN) ws.close(1011, 'internal');
  };

  const send = (message: ServerMessage) => {
    if (ws.readyState === WebSocketClass.OPEN) ws.send(JSON.stringify(message));
  };

  const rearm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const at = nextDeadline(state);
    if (at === null) return;
    timer = setTimeout(() => dispatch((s) => handleTimer(s, deps.now())), Math.max(0, at - deps.now()));
  };

  const event = (e: SessionEvent) => dispatch((s) => handleSessionEvent(s, e, deps.now()));

  /** A pool port that can really be bound: ports held by other processes are skipped (and given back). */
  const takeFreePort = async (range: MediaRange, endsAt: number): Promise<number | null> => {
    const skipped: number[] = [];
    try {
      for (let tries = 0; tries < Math.min(deps.pool.size(range), 8); tries++) {
        const port = deps.pool.take(range, endsAt);
        if (port === null) return null;
        if (await portFree([deps.media.address, deps.media.address6], port, deps.media.iceTcp)) return port;
        deps.log.warn({ event: 'media-port-unavailable', port });
        skipped.push(port);
      }
      return null;
    } finally {
      for (const p of skipped) deps.pool.release(p);
    }
  };

  const startSession = async (sdp: string, plan: OfferPlan, range: MediaRange, endsAt: number) => {
    offerAt = deps.now();
    const admitted = deps.addressLimits.admit(deps.clientKey, offerAt, endsAt);
    if (!admitted.ok) {
      const reason = admitted.why === 'concurrent' ? 'address-concurrent' : 'address-starts';
      metrics.sessionRefusals.inc({ reason });
      deps.log.info({ event: 'media-session-refused', reason, retryAfterS: admitted.retryAfterS });
      event({ type: 'rate-limited', why: admitted.why, retryAfterS: admitted.retryAfterS });
      return;
    }
    const releaseAddress = () => deps.addressLimits.release(deps.clientKey, admitted.id);
    const port = await takeFreePort(range, endsAt);
    if (ws.readyState !== WebSocketClass.OPEN) {
      if (port !== null) deps.pool.release(port);
      releaseAddress();
      return;
    }
    if (port === null) {
      releaseAddress();
      metrics.sessionRefusals.inc({ reason: 'ports-busy' });
      event({ type: 'busy', retryAfterS: deps.pool.retryAfterS(range, deps.now()) });
      return;
    }
    let released = false;
    let failed = false;
    // Everything werift does for this session runs in its scope (see session-scope.ts).
    const scope = {
      fail: (err: unknown) => {
        if (failed) return;
        failed = true;
        deps.log.error({ event: 'media-session-internal-error', port, err: errorMessage(err) });
        event({ type: 'failed', message: 'internal error' });
      },
    };
    runInSessionScope(scope, () => {
      session = new EchoSession({
        port,
        address: deps.media.address,
        address6: deps.media.address6 ?? null,
        iceTcp: deps.media.iceTcp,
        echoPath: deps.media.echoPath,
        nativeEcho: deps.media.nativeEcho ?? null,
        plan,
        maxBitsPerSecond: deps.limits.sessionMaxBitsPerSecond,
        checkRate: deps.limits.unprovenChecks,
        log: deps.log,
        now: deps.now,
        onEvent: (e) => {
          if (e.type === 'connected') metrics.sessionSetup.observe((deps.now() - offerAt) / 1000);
          const standsFor = deps.media.standsFor?.[range];
          event(e.type === 'answer' && standsFor ? { ...e, standsFor } : e);
          // Once connected, the session's end is known (media time after now), usually long before the
          // worst case it was admitted with: retryAfterS told to others follows the real end.
          if (e.type === 'connected' && state.endDeadline !== null && !released) {
            deps.pool.reschedule(port, state.endDeadline);
            deps.addressLimits.reschedule(deps.clientKey, admitted.id, state.endDeadline);
          }
        },
        onDrop: (reason, count) => metrics.mediaDropped.inc({ reason }, count),
        onNativeEcho: () => metrics.nativeEchoSessions.inc(),
        onError: (err) => {
          metrics.errorsCaught.inc({ scope: 'session' });
          deps.log.error({ event: 'media-session-handler-error', port, err: errorMessage(err) });
        },
        onReleased: (reason) => {
          if (released || !deps.pool.release(port)) {
            deps.log.error({ event: 'media-port-double-release', port });
          } else {
            metrics.sessionsEnded.inc({ reason });
          }
          released = true;
          releaseAddress();
        },
      });
      metrics.sessionsStarted.inc();
      deps.log.info({ event: 'media-session-started', port, range });
      session.start(sdp);
    });
  };

  const startProbe = (purpose: 'ports' | 'nat') => {
    const started = deps.probes.registry.start(deps.id, deps.now(), {
      answerDelayMs: purpose === 'nat' ? NAT_ANSWER_DELAY_MS : 0,
      key: deps.clientKey,
    });
    if (!started.ok) {
      const s = started.retryAfterS;
      const message =
        started.why === 'address'
          ? `Too many probe sessions from this address at once; retry in ${s} s`
          : `Too many probe sessions at once; retry in ${s} s`;
      metrics.sessionRefusals.inc({ reason: 'probe-busy' });
      dispatch((st) => refuse(st, { type: 'error', code: 'busy', retryAfterS: s, message }, 1013));
      return;
    }
    const ports = deps.probes.status();
    send({
      type: 'probe-session',
      ufrag: started.ufrag,
      pwd: started.pwd,
      expiresInS: started.expiresInS,
      address: ports.address,
      tcp: ports.tcp,
      udp: ports.udp,
      unbound: ports.unbound,
      ...(deps.clientAddress === null ? {} : { clientAddress: deps.clientAddress }),
      ...(ports.address6 ? { address6: ports.address6, unbound6: ports.unbound6 ?? [] } : {}),
    });
  };

  const probeResults = (ufrag: string | null) => {
    const results = deps.probes.registry.results(deps.id, ufrag);
    if (results === null) {
      const message = ufrag === null ? 'probe-results before probe-start' : 'no such probe session';
      dispatch((s) => refuse(s, { type: 'error', code: 'bad-state', message }, 1008));
      return;
    }
    send({ type: 'probe-observed', ufrag: results.ufrag, bindings: results.bindings });
  };

  const startBinding = () => {
    const ports = deps.probes.status();
    const target = bindingPort(ports.udp);
    if (target === null) {
      const message = 'this relay has no UDP probe port to measure the NAT binding lifetime on';
      dispatch((s) => refuse(s, { type: 'error', code: 'bad-state', message }, 1008));
      return;
    }
    const started = deps.probes.bindings.start(deps.id, target.relayPort, deps.now());
    if (!started.ok) {
      const s = started.retryAfterS;
      metrics.sessionRefusals.inc({ reason: 'probe-busy' });
      const message = `Too many NAT binding measurements at once; retry in ${s} s`;
      dispatch((st) => refuse(st, { type: 'error', code: 'busy', retryAfterS: s, message }, 1013));
      return;
    }
    deps.probes.wake();
    send({
      type: 'binding-session',
      ufrag: started.ufrag,
      pwd: started.pwd,
      expiresInS: started.expiresInS,
      address: ports.address,
      relayPort: target.relayPort,
      providerPort: target.providerPort,
      gapsS: deps.probes.bindings.gapsMs.map((ms) => ms / 1000),
    });
  };

  const bindingResults = (ufrag: string) => {
    const mappings = deps.probes.bindings.outcomes(deps.id, ufrag);
    if (mappings === null) {
      const message = 'no such NAT binding session';
      dispatch((s) => refuse(s, { type: 'error', code: 'bad-state', message }, 1008));
      return;
    }
    send({ type: 'binding-observed', ufrag, mappings });
  };

  function perform(action: Action): void {
    switch (action.kind) {
      case 'send':
        send(action.message);
        return;
      case 'close':
        deps.log.info({ event: 'ws-closed-by-relay', code: action.code, reason: action.reason });
        if (REJECTIONS.has(action.reason)) metrics.wsRejected.inc({ reason: action.reason });
        if (action.reason === 'shutting-down') metrics.sessionRefusals.inc({ reason: 'shutting-down' });
        ws.close(action.code, action.reason);
        return;
      case 'start-session':
        starting = startSession(action.sdp, action.plan, action.range, action.endsAt)
          .catch((err) => internalError(err))
          .finally(() => {
            starting = null;
          });
        return;
      case 'end-session': {
        const reason = action.reason;
        if (session) ended = session.end(reason);
        else if (starting) ended = starting.then(() => (session ? session.end(reason) : undefined));
        return;
      }
      case 'probe-start':
        startProbe(action.purpose);
        return;
      case 'probe-results':
        probeResults(action.ufrag);
        return;
      case 'media-counts':
        // What the native echo took since its last report counts too.
        session?.native?.drain();
        send({
          type: 'media-counts',
          ...(session?.counts ?? new ReceiveCounts()).snapshot(action.perSecond),
          ...(action.dtls ? { dtls: (session?.dtlsSeen ?? new DtlsSeen()).snapshot() } : {}),
        });
        return;
      case 'binding-start':
        startBinding();
        return;
      case 'binding-peer':
        if (!deps.probes.bindings.setPeer(deps.id, action.ufrag, action.peer)) {
          const message = 'no such NAT binding session';
          dispatch((s) => refuse(s, { type: 'error', code: 'bad-state', message }, 1008));
        }
        return;
      case 'binding-results':
        bindingResults(action.ufrag);
        return;
    }
  }

  // Heartbeat (ws README, "How to detect and close broken connections"): a client whose network went away
  // never sends a close; without this its connection, and its session, would linger until TCP gives up.
  // The relay beats every connection at once (wss.ts), every heartbeatMs.
  let answeredPing = true;
  const heartbeat = () => {
    // Closing already: ws's own close timeout takes care of a peer that never finishes the handshake.
    if (ws.readyState !== WebSocketClass.OPEN) return;
    if (!answeredPing) {
      metrics.wsRejected.inc({ reason: 'heartbeat' });
      deps.log.info({ event: 'ws-heartbeat-timeout' });
      ws.terminate();
      return;
    }
    answeredPing = false;
    ws.ping();
  };
  ws.on('pong', () => {
    answeredPing = true;
  });

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const message = 'binary frames are not accepted';
      dispatch((s) => refuse(s, { type: 'error', code: 'bad-message', message }, 1003));
      return;
    }
    dispatch((s) => handleClientText(s, data.toString(), deps.now()));
  });
  ws.on('close', () => {
    // Its probe credentials stop working with it: nobody is left to read the results.
    deps.probes.registry.release(deps.id);
    deps.probes.bindings.release(deps.id);
    dispatch(handleClosed);
  });
  ws.on('error', (err: Error & { code?: string }) => {
    metrics.wsRejected.inc({ reason: wsErrorReason(err.code) });
    deps.log.info({ event: 'ws-error', code: err.code, err: err.message });
  });
  rearm();

  return {
    drain(graceMs) {
      dispatch((s) => handleDrain(s, graceMs));
    },
    shutdown() {
      dispatch(handleShutdown);
      return ended;
    },
    settled: () => ended,
    heartbeat,
  };
}
