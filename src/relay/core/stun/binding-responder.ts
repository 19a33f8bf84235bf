/**
 * The ICE-lite side of a port probe, without sockets: a datagram and its source in, an answer or a reason
 * to stay silent out. Only a Binding Request that names a live probe session's ufrag first in USERNAME
 * ("relayUfrag:browserUfrag") and carries a MESSAGE-INTEGRITY made with that session's password is
 * answered; anything else gets no answer at all, so the port looks closed to everyone but the extension
 * that was given the credentials over WSS. Answers are rate-limited per source address (see
 * source-rate-limit.ts) and never larger than the request.
 */
import type { RateLimiter } from '../rate-limit.ts';
import {
  ATTRIBUTE,
  bindingSuccess,
  hasValidIntegrity,
  MESSAGE_TYPE,
  parseStun,
  protectedAttributes,
  type TransportAddress,
  usernameOf,
} from './stun-message.ts';

export const IGNORE_REASONS = [
  /** Too short, wrong leading bits or no magic cookie: DTLS, RTP or noise. */
  'not-stun',
  /** A STUN header whose lengths or attributes do not add up. */
  'malformed',
  'bad-fingerprint',
  /** An indication, a response, or a method other than Binding. */
  'not-binding-request',
  'no-username',
  'no-integrity',
  /** USERNAME's first part is no live probe session's ufrag (never issued, expired, or its connection closed). */
  'unknown-ufrag',
  'bad-integrity',
  /** The source address has used up its answers for now. */
  'rate-limited',
  /** The source is not an IPv4 address and port (probe sockets are IPv4 only). */
  'bad-source',
  /** The answer would be larger than the request (a real ICE check never is that small). */
  'too-small',
] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export type StunAction =
  | { kind: 'answer'; bytes: Uint8Array; ufrag: string }
  | { kind: 'ignore'; reason: IgnoreReason };

export interface StunCounts {
  answered: number;
  ignored: Record<IgnoreReason, number>;
}

export interface BindingResponderDeps {
  /** The password of the live probe session with this ufrag, or undefined. */
  passwordFor(ufrag: string, now: number): string | undefined;
  /** Answers per source address (a bucket per second), so the responder cannot be used as a reflector. */
  limit: RateLimiter;
}

/** Decides what to do with one datagram; pure but for the rate limit's buckets. */
export function respondToDatagram(
  data: Uint8Array,
  source: TransportAddress,
  now: number,
  deps: BindingResponderDeps,
): StunAction {
  const ignore = (reason: IgnoreReason): StunAction => ({ kind: 'ignore', reason });
  const parsed = parseStun(data);
  if (!parsed.ok) return ignore(parsed.reason);
  const { message } = parsed;
  if (message.type !== MESSAGE_TYPE.BINDING_REQUEST) return ignore('not-binding-request');
  const username = usernameOf(message);
  if (username === null) return ignore('no-username');
  if (!protectedAttributes(message).some((a) => a.type === ATTRIBUTE.MESSAGE_INTEGRITY)) {
    return ignore('no-integrity');
  }
  const colon = username.indexOf(':');
  const ufrag = colon === -1 ? username : username.slice(0, colon);
  // RFC 8445 §7.3: the first part must be our ufrag; a username without the colon is not an ICE check.
  const password = colon > 0 ? deps.passwordFor(ufrag, now) : undefined;
  if (password === undefined) return ignore('unknown-ufrag');
  if (!hasValidIntegrity(message, password)) return ignore('bad-integrity');
  const bytes = bindingSuccess(message.transactionId, source, password);
  if (bytes === null) return ignore('bad-source');
  if (bytes.length > data.length) return ignore('too-small');
  // Last, so only answers the relay would really send use up the source's allowance.
  if (!deps.limit.allow(source.address, now)) return ignore('rate-limited');
  return { kind: 'answer', bytes, ufrag };
}

/** The responder shared by every UDP probe port: decides, and counts what it decided, for /healthz. */
export class BindingResponder {
  readonly counts: StunCounts = {
    answered: 0,
    ignored: Object.fromEntries(IGNORE_REASONS.map((r) => [r, 0])) as Record<IgnoreReason, number>,
  };

  private readonly deps: BindingResponderDeps;

  constructor(deps: BindingResponderDeps) {
    this.deps = deps;
  }

  handle(data: Uint8Array, source: TransportAddress, now: number): StunAction {
    const action = respondToDatagram(data, source, now, this.deps);
    if (action.kind === 'answer') this.counts.answered++;
    else this.counts.ignored[action.reason]++;
    return action;
  }
}
