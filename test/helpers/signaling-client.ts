/** A WSS client for the relay's signaling, keeping every message it got, for Node-side tests. */
import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../src/protocol/relay-messages.ts';
import type { TestRelay } from './in-process-relay.ts';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class SignalingClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<(m: ServerMessage) => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      this.messages.push(m);
      for (const l of this.listeners) l(m);
    });
    this.closed = new Promise((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
  }

  static open(relay: TestRelay): Promise<SignalingClient> {
    const ws = new WebSocket(`wss://127.0.0.1:${relay.port}/ws`, { ca: relay.tls.cert });
    return new Promise((resolve, reject) => {
      ws.on('open', () => resolve(new SignalingClient(ws)));
      ws.on('error', reject);
    });
  }

  send(m: ClientMessage): void {
    this.ws.send(JSON.stringify(m));
  }

  onMessage(listener: (m: ServerMessage) => void): void {
    this.listeners.add(listener);
  }

  /** The first message of this type, received already or within timeoutMs. */
  next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Of<T>> {
    const found = this.messages.find((m) => m.type === type);
    if (found) return Promise.resolve(found as Of<T>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      const listener = (m: ServerMessage) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m as Of<T>);
      };
      this.listeners.add(listener);
    });
  }

  close(): void {
    this.ws.close();
  }
}
