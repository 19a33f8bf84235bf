/**
 * The relay's WSS message logic without sockets: text in, actions out. The shell performs the actions.
 */
import {
  ClientMessage,
  MAX_WS_MESSAGE_BYTES,
  parseJson,
  type ServerMessage,
} from '../../protocol/relay-messages.ts';

export type Action =
  | { kind: 'send'; message: ServerMessage }
  | { kind: 'close'; code: number; reason: string };

export function handleClientText(text: string, now: number): Action[] {
  if (text.length > MAX_WS_MESSAGE_BYTES) {
    return [
      { kind: 'send', message: { type: 'error', code: 'too-big', message: 'message too big' } },
      { kind: 'close', code: 1009, reason: 'too-big' },
    ];
  }
  const parsed = parseJson(ClientMessage, text);
  if (!parsed.ok) {
    const code = parsed.error === 'bad-json' ? 'bad-json' : 'bad-message';
    return [
      { kind: 'send', message: { type: 'error', code, message: parsed.error } },
      { kind: 'close', code: 1008, reason: code },
    ];
  }
  const msg = parsed.value;
  switch (msg.type) {
    case 'ping':
      return [{ kind: 'send', message: { type: 'pong', seq: msg.seq, t: msg.t, serverTime: now } }];
  }
}
