/**
 * The WSS shell: greets each connection and hands it to its connection shell (which parses nothing itself:
 * the core does). Owns what connections share: the media port pool, which is also the session cap; the
 * probe sessions are shared with the UDP probe ports too, so they come from the server.
 */
import type { IncomingMessage } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_WS_MESSAGE_BYTES, type ServerMessage } from '../protocol/relay-messages.ts';
import { PortPool } from './core/port-pool.ts';
import { tlsOf } from './http-routes.ts';
import type { Logger } from './logger.ts';
import {
  type ConnectionHandle,
  type MediaSettings,
  type ProbeService,
  serveConnection,
} from './ws-connection.ts';

export interface MediaOptions extends MediaSettings {
  ports: { first: number; last: number };
  maxSessions: number;
}

export interface RelayWss {
  wss: WebSocketServer;
  sessions(): { active: number; max: number };
  /** Ends every session (telling its client), closes every WebSocket with 1001; resolves once all ports are free. */
  shutdown(): Promise<void>;
}

export function createWss(opts: {
  version: string;
  log: Logger;
  now: () => number;
  media: MediaOptions;
  probes: ProbeService;
}): RelayWss {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const pool = new PortPool({ ...opts.media.ports, limit: opts.media.maxSessions });
  const connections = new Set<ConnectionHandle>();
  let nextId = 1;
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const hello: ServerMessage = { type: 'hello', relayVersion: opts.version, tls: tlsOf(req) };
    ws.send(JSON.stringify(hello));
    const handle = serveConnection(ws, {
      id: nextId++,
      clientAddress: req.socket.remoteAddress ?? null,
      pool,
      media: opts.media,
      probes: opts.probes,
      log: opts.log,
      now: opts.now,
    });
    connections.add(handle);
    // Kept until its port is free, so shutdown() also waits for sessions that are still closing.
    ws.on('close', () => void handle.settled().then(() => connections.delete(handle)));
  });
  return {
    wss,
    sessions: () => ({ active: pool.inUse, max: pool.limit }),
    async shutdown() {
      await Promise.all([...connections].map((c) => c.shutdown()));
    },
  };
}
