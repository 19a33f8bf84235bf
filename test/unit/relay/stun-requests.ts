/**
 * STUN requests as a real ICE agent encodes them: werift's STUN code, used here only to produce and decode
 * test traffic, never by the relay itself.
 */
import { classes, Message, methods, parseMessage } from 'werift';

export const RELAY_UFRAG = 'RelayUf1';
export const RELAY_PWD = 'RelayPasswordRelayPass12';

export interface RequestOptions {
  username?: string | null;
  password?: string | null;
  fingerprint?: boolean;
  method?: number;
  messageClass?: number;
  transactionId?: Buffer;
  /** Nominate the pair (default): to the ICE-lite relay, the first such check picks its one address. */
  useCandidate?: boolean;
}

/** A connectivity check like a controlling browser's: USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE. */
export function iceCheck(opts: RequestOptions = {}): Buffer {
  const m = new Message(
    opts.method ?? methods.BINDING,
    opts.messageClass ?? classes.REQUEST,
    opts.transactionId,
  );
  const username = opts.username === undefined ? `${RELAY_UFRAG}:BrUf` : opts.username;
  if (username !== null) m.setAttribute('USERNAME', username);
  m.setAttribute('PRIORITY', 0x6e0001ff);
  m.setAttribute('ICE-CONTROLLING', 0x0123456789abcdefn);
  if (opts.useCandidate ?? true) m.setAttribute('USE-CANDIDATE', null);
  const password = opts.password === undefined ? RELAY_PWD : opts.password;
  if (password !== null) m.addMessageIntegrity(Buffer.from(password, 'utf8'));
  if (opts.fingerprint ?? true) m.addFingerprint();
  return m.bytes;
}

/** werift's reading of a response, checking its MESSAGE-INTEGRITY with `password` (undefined if it fails). */
export function decodeResponse(bytes: Uint8Array, password = RELAY_PWD) {
  const m = parseMessage(Buffer.from(bytes), Buffer.from(password, 'utf8'));
  if (!m) return undefined;
  return {
    type: m.messageMethod | m.messageClass,
    transactionId: m.transactionId,
    attributes: m.attributesKeys,
    mapped: m.getAttributeValue('XOR-MAPPED-ADDRESS') as [string, number],
  };
}
