/**
 * A new record number for every DTLS handshake record the relay sends again.
 *
 * A DTLS receiver drops a record whose sequence number it has already seen (replay protection, RFC 6347
 * §4.1.2.6), so a record sent again must carry a new number. werift 0.25 sends a lost flight again byte for
 * byte, old numbers included. Firefox (NSS) takes the server's handshake messages only in order: when the
 * relay's Certificate was lost and the ServerKeyExchange behind it arrived, Firefox set the
 * ServerKeyExchange aside unread but kept its number, so every copy werift sent again was dropped as a
 * replay. The handshake stalled until the browser's DTLS limit and a merely lossy path read as "DTLS
 * blocked" (about one run in three at 15 % loss).
 *
 * Records before encryption starts (epoch 0) have no integrity check over their header, so the relay
 * renumbers them as they leave: one whose number was already used gets the next unused one. Encrypted
 * records keep theirs (the number is part of what authenticates them); the only one werift repeats, its
 * Finished, is repeated because it was lost, so the browser has not seen its number.
 */

/** Content type (1), version (2), epoch (2), sequence number (6), length (2). */
const HEADER_BYTES = 13;
const EPOCH_AT = 3;
const SEQUENCE_AT = 5;
const SEQUENCE_BYTES = 6;
const LENGTH_AT = 11;
/** DTLS content types: change_cipher_spec, alert, handshake, application_data. */
const FIRST_CONTENT_TYPE = 20;
const LAST_CONTENT_TYPE = 23;

export class RecordNumbers {
  /** The highest epoch-0 record number sent so far. */
  private highest = -1;

  /** The datagram as it should leave: the same buffer when every number in it is new, else a renumbered copy. */
  renumber(datagram: Buffer): Buffer {
    let out = datagram;
    for (let at = 0; at + HEADER_BYTES <= out.length; at += HEADER_BYTES + out.readUInt16BE(at + LENGTH_AT)) {
      const type = out[at] as number;
      if (type < FIRST_CONTENT_TYPE || type > LAST_CONTENT_TYPE) return out;
      if (out.readUInt16BE(at + EPOCH_AT) !== 0) continue;
      const sequence = out.readUIntBE(at + SEQUENCE_AT, SEQUENCE_BYTES);
      if (sequence > this.highest) {
        this.highest = sequence;
        continue;
      }
      if (out === datagram) out = Buffer.from(datagram);
      this.highest += 1;
      out.writeUIntBE(this.highest, at + SEQUENCE_AT, SEQUENCE_BYTES);
    }
    return out;
  }
}

/** werift's DTLS socket (0.25): every handshake flight and application record leaves through transport.send. */
export interface DtlsSendInternals {
  transport: { send: (data: Buffer, ...rest: never[]) => Promise<unknown> };
}

/** From now on, every datagram the socket sends leaves with record numbers it has not used before. */
export function renumberRepeatedRecords(socket: DtlsSendInternals): void {
  const numbers = new RecordNumbers();
  const send = socket.transport.send;
  socket.transport.send = (data, ...rest) => send(numbers.renumber(data), ...rest);
}
