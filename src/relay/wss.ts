/** The WSS shell: parses nothing itself; hands text to the core and performs the actions it returns. */
import type { IncomingMessage } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_WS_MESSAGE_BYTES, type ServerMessage } from '../protocol/relay-messages.ts';
import { type Action, handleClientText } from './core/handle-message.ts';
import { tlsOf } from './http-routes.ts';
import type { Logger } from './logger.ts';

export function createWss(opts: { version: string; log: Logger; now: () => number }): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const send = (m: ServerMessage) => ws.send(JSON.stringify(m));
    send({ type: 'hello', relayVersion: opts.version, tls: tlsOf(req) });
    ws.on('message', (data, isBinary) => {
      const actions: Action[] = isBinary
        ? [
            {
              kind: 'send',
              message: { type: 'error', code: 'bad-message', message: 'binary frames are not accepted' },
            },
            { kind: 'close', code: 1003, reason: 'bad-message' },
          ]
        : handleClientText(data.toString(), opts.now());
      for (const a of actions) {
        if (a.kind === 'send') send(a.message);
        else {
          opts.log.info({ event: 'ws-closed-by-relay', code: a.code, reason: a.reason });
          ws.close(a.code, a.reason);
        }
      }
    });
    ws.on('error', (err) => opts.log.warn({ event: 'ws-error', err: err.message }));
  });
  return wss;
}
