/**
 * One WSS connection's shell: feeds client text, session events, deadlines and shutdown to the core, and
 * performs the actions it returns (send, close, start/feed/end the werift session). Holds the connection's
 * only mutable state: the core's state, the session and one timer.
 */
import { type WebSocket, WebSocket as WebSocketClass } from 'ws';
import type { ServerMessage } from '../protocol/relay-messages.ts';
import {
  type Action,
  type ConnectionState,
  initialConnectionState,
  nextDeadline,
  refuse,
  type Step,
} from './core/connection-state.ts';
import { handleClientText } from './core/handle-message.ts';
import {
  handleClosed,
  handleSessionEvent,
  handleShutdown,
  handleTimer,
} from './core/handle-session-event.ts';
import type { PortPool } from './core/port-pool.ts';
import { NAT_ANSWER_DELAY_MS, type OwnerId, type ProbeRegistry } from './core/probe-sessions.ts';
import type { Logger } from './logger.ts';
import { EchoSession } from './media/echo-session.ts';
import { portFree } from './media/port-free.ts';
import type { ProbePortsStatus } from './probes/probe-listeners.ts';

export interface MediaSettings {
  address: string;
  iceTcp: boolean;
  setupTimeoutMs: number;
}

/** The probe sessions (shared with the UDP probe ports) and which probe ports are open. */
export interface ProbeService {
  registry: ProbeRegistry;
  status(): ProbePortsStatus;
}

export interface ConnectionDeps {
  /** Names this connection's probe sessions in the shared registry. */
  id: OwnerId;
  /** The client's address as this connection's socket saw it (null if the socket did not say). */
  clientAddress: string | null;
  pool: PortPool;
  probes: ProbeService;
  media: MediaSettings;
  log: Logger;
  now: () => number;
}

export interface ConnectionHandle {
  /** Tells the client the relay is stopping, ends its session, closes 1001; resolves once the port is free. */
  shutdown(): Promise<void>;
  /** Resolves once the session (if any) has ended and released its port. */
  settled(): Promise<void>;
}

export function serveConnection(ws: WebSocket, deps: ConnectionDeps): ConnectionHandle {
  let state: ConnectionState = initialConnectionState({ setupTimeoutMs: deps.media.setupTimeoutMs });
  let session: EchoSession | null = null;
  /** While a port is being checked: candidates and an end wait for the session instead of being lost. */
  let starting: Promise<void> | null = null;
  let ended: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

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
    } finally {
      draining = false;
    }
    rearm();
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

  /** A pool port that can really be bound: ports held by other processes are skipped (and given back). */
  const takeFreePort = async (endsAt: number): Promise<number | null> => {
    const skipped: number[] = [];
    try {
      for (let tries = 0; tries < Math.min(deps.pool.size, 8); tries++) {
        const port = deps.pool.take(endsAt);
        if (port === null) return null;
        if (await portFree(deps.media.address, port, deps.media.iceTcp)) return port;
        deps.log.warn({ event: 'media-port-unavailable', port });
        skipped.push(port);
      }
      return null;
    } finally {
      for (const p of skipped) deps.pool.release(p);
    }
  };

  const startSession = async (sdp: string, endsAt: number) => {
    const port = await takeFreePort(endsAt);
    if (ws.readyState !== WebSocketClass.OPEN) {
      if (port !== null) deps.pool.release(port);
      return;
    }
    if (port === null) {
      dispatch((s) =>
        handleSessionEvent(s, { type: 'busy', retryAfterS: deps.pool.retryAfterS(deps.now()) }),
      );
      return;
    }
    let released = false;
    session = new EchoSession({
      port,
      address: deps.media.address,
      iceTcp: deps.media.iceTcp,
      log: deps.log,
      onEvent: (event) => dispatch((s) => handleSessionEvent(s, event)),
      onReleased: () => {
        if (released || !deps.pool.release(port)) {
          deps.log.error({ event: 'media-port-double-release', port });
        }
        released = true;
      },
    });
    deps.log.info({ event: 'media-session-started', port });
    session.start(sdp);
  };

  const startProbe = (purpose: 'ports' | 'nat') => {
    const started = deps.probes.registry.start(deps.id, deps.now(), {
      answerDelayMs: purpose === 'nat' ? NAT_ANSWER_DELAY_MS : 0,
    });
    if (!started.ok) {
      const s = started.retryAfterS;
      const message = `Too many probe sessions at once; retry in ${s} s`;
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

  function perform(action: Action): void {
    switch (action.kind) {
      case 'send':
        send(action.message);
        return;
      case 'close':
        deps.log.info({ event: 'ws-closed-by-relay', code: action.code, reason: action.reason });
        ws.close(action.code, action.reason);
        return;
      case 'start-session':
        starting = startSession(action.sdp, action.endsAt).finally(() => {
          starting = null;
        });
        return;
      case 'add-candidate': {
        const c = action.candidate;
        if (session) session.addCandidate(c);
        else void starting?.then(() => session?.addCandidate(c));
        return;
      }
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
    }
  }

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
    dispatch(handleClosed);
  });
  ws.on('error', (err) => deps.log.warn({ event: 'ws-error', err: err.message }));

  return {
    shutdown() {
      dispatch(handleShutdown);
      return ended;
    },
    settled: () => ended,
  };
}
