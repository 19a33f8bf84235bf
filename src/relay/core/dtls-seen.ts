/**
 * What the relay's DTLS server saw of one session's handshake, so that a client whose DTLS did not finish can
 * tell "nothing of DTLS got through" (a firewall or inspection device) from "the relay heard the client and
 * its answers arrived, yet the handshake stalled" (packets lost on the way back, or large ones dropped).
 *
 * The relay reads the record headers of what it receives and sends (RFC 6347 §4.1, §4.2.2), never the
 * contents beyond a ClientHello's cookie length:
 * - a ClientHello from the client, and whether it carries a cookie: a browser sends one back only after the
 *   relay's HelloVerifyRequest reached it;
 * - each time the relay sends its ServerHello (the start of its certificate flight, RFC 6347 flight 4);
 * - the client's ClientKeyExchange or ChangeCipherSpec (its flight 5): the certificate flight got through.
 * Every datagram the relay receives passes here, audio too: SRTP and STUN cost one comparison (their first
 * byte is not a DTLS content type); DTLS records (the data channel's included) are walked header by header,
 * bounded by the datagram's length.
 */
import { type DtlsSeen as DtlsSeenCounts, MAX_DTLS_COUNT } from '../../protocol/relay-messages.ts';

/** Content type (1), version (2), epoch (2), sequence number (6), length (2). */
const RECORD_HEADER = 13;
const EPOCH_AT = 3;
const LENGTH_AT = 11;
/** Type (1), length (3), message_seq (2), fragment_offset (3), fragment_length (3). */
const HANDSHAKE_HEADER = 12;
const FRAGMENT_OFFSET_AT = 6;
const FRAGMENT_LENGTH_AT = 9;
const CHANGE_CIPHER_SPEC = 20;
const HANDSHAKE = 22;
/** RFC 7983: a first byte from 20 to 63 is DTLS. */
const LAST_DTLS_BYTE = 63;
const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;
const CLIENT_KEY_EXCHANGE = 16;
/** In a ClientHello's body: client_version (2) and random (32), then the session id's length. */
const SESSION_ID_AT = 34;

/** A handshake message's start (fragment offset 0): its type and its body as far as this record holds it. */
interface HandshakeStart {
  type: number;
  body: Buffer;
}

/** The first fragment of every handshake message in the unencrypted (epoch 0) records of a datagram. */
function* handshakeStarts(datagram: Buffer): Generator<HandshakeStart | 'change-cipher-spec'> {
  for (let at = 0; at + RECORD_HEADER <= datagram.length; ) {
    const type = datagram[at] as number;
    const end = Math.min(datagram.length, at + RECORD_HEADER + datagram.readUInt16BE(at + LENGTH_AT));
    if (type < CHANGE_CIPHER_SPEC || type > LAST_DTLS_BYTE) return;
    if (datagram.readUInt16BE(at + EPOCH_AT) === 0) {
      if (type === CHANGE_CIPHER_SPEC) yield 'change-cipher-spec';
      if (type === HANDSHAKE) {
        for (let h = at + RECORD_HEADER; h + HANDSHAKE_HEADER <= end; ) {
          const fragmentLength = datagram.readUIntBE(h + FRAGMENT_LENGTH_AT, 3);
          const bodyEnd = Math.min(end, h + HANDSHAKE_HEADER + fragmentLength);
          if (datagram.readUIntBE(h + FRAGMENT_OFFSET_AT, 3) === 0) {
            yield { type: datagram[h] as number, body: datagram.subarray(h + HANDSHAKE_HEADER, bodyEnd) };
          }
          h = bodyEnd;
        }
      }
    }
    at = end;
  }
}

/** Whether a ClientHello's body carries a cookie (a cookie length other than 0). */
function carriesCookie(body: Buffer): boolean {
  const sessionIdLength = body[SESSION_ID_AT];
  if (sessionIdLength === undefined) return false;
  const cookieLength = body[SESSION_ID_AT + 1 + sessionIdLength];
  return cookieLength !== undefined && cookieLength > 0;
}

const isDtls = (datagram: Buffer) => {
  const first = datagram[0];
  return first !== undefined && first >= CHANGE_CIPHER_SPEC && first <= LAST_DTLS_BYTE;
};

export class DtlsSeen {
  private clientHellos = 0;
  private cookieReturned = false;
  private serverFlights = 0;
  private clientKeyExchange = false;

  /** A datagram (or ICE-TCP frame) from the client that the guard let through. */
  received(datagram: Buffer): void {
    if (!isDtls(datagram)) return;
    for (const m of handshakeStarts(datagram)) {
      if (m === 'change-cipher-spec' || m.type === CLIENT_KEY_EXCHANGE) {
        this.clientKeyExchange = true;
      } else if (m.type === CLIENT_HELLO) {
        this.clientHellos = Math.min(MAX_DTLS_COUNT, this.clientHellos + 1);
        if (carriesCookie(m.body)) this.cookieReturned = true;
      }
    }
  }

  /** A datagram the relay's DTLS sends to the client. */
  sent(datagram: Buffer): void {
    if (!isDtls(datagram)) return;
    for (const m of handshakeStarts(datagram)) {
      if (m !== 'change-cipher-spec' && m.type === SERVER_HELLO) {
        this.serverFlights = Math.min(MAX_DTLS_COUNT, this.serverFlights + 1);
      }
    }
  }

  snapshot(): DtlsSeenCounts {
    return {
      clientHellos: this.clientHellos,
      cookieReturned: this.cookieReturned,
      serverFlights: this.serverFlights,
      clientKeyExchange: this.clientKeyExchange,
    };
  }
}
