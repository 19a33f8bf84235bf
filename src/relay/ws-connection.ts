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
import type { Logger } from './logger.ts';
import { EchoSession } from './media/echo-session.ts';

export interface MediaSettings {
  address: string;
  iceTcp: boolean;
  setupTimeoutMs: number;
}

export interface ConnectionDeps {
  pool: PortPool;
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

  const startSession = (sdp: string, endsAt: number) => {
    const port = deps.pool.take(endsAt);
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
        startSession(action.sdp, action.endsAt);
        return;
      case 'add-candidate':
        session?.addCandidate(action.candidate);
        return;
      case 'end-session':
        if (session) ended = session.end(action.reason);
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
  ws.on('close', () => dispatch(handleClosed));
  ws.on('error', (err) => deps.log.warn({ event: 'ws-error', err: err.message }));

  return {
    shutdown() {
      dispatch(handleShutdown);
      return ended;
    },
    settled: () => ended,
  };
}
