/**
 * What a TLS ClientHello says about the software that sent it, read from the first TLS record of a
 * connection. Browsers' hellos have marks that other TLS stacks lack: Chromium always sends GREASE values
 * (RFC 8701), Firefox the record_size_limit extension (RFC 8449). A TLS-inspecting middlebox ends the
 * browser's TLS and opens its own connection to the relay, so the relay sees the middlebox's hello instead:
 * the extension compares the marks (src/checks/tls-inspection.ts). Pure; reads only inside `bytes`, and at
 * most one record (16 KiB), so a hostile client cannot make it work harder.
 */
import type { ClientHello } from '../../protocol/relay-messages.ts';

/** A record's header and the largest TLS plaintext record (RFC 8446 5.1). */
export const RECORD_HEADER = 5;
export const MAX_RECORD = 16_384;

export const EXT = { serverName: 0, supportedGroups: 10, alpn: 16, recordSizeLimit: 28 } as const;

/** RFC 8701: 0x0A0A, 0x1A1A, …, 0xFAFA. */
export const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

/**
 * How many bytes the first record needs in all, from its header: null while fewer than 5 bytes are in, 0
 * when it is not a TLS handshake record (plain HTTP, anything else) or is longer than TLS allows.
 */
export function firstRecordLength(bytes: Uint8Array): number | null {
  if (bytes.length < RECORD_HEADER) return null;
  if (bytes[0] !== 0x16) return 0;
  const length = ((bytes[3] ?? 0) << 8) | (bytes[4] ?? 0);
  return length === 0 || length > MAX_RECORD ? 0 : RECORD_HEADER + length;
}

class Reader {
  private readonly b: Uint8Array;
  private readonly end: number;
  pos: number;
  constructor(b: Uint8Array, pos: number, end: number) {
    this.b = b;
    this.pos = pos;
    this.end = end;
  }
  get left(): number {
    return this.end - this.pos;
  }
  u8(): number {
    if (this.left < 1) throw new RangeError('short');
    return this.b[this.pos++] as number;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u24(): number {
    return (this.u8() << 16) | this.u16();
  }
  /** A sub-reader over the next `n` bytes, which this one skips. */
  take(n: number): Reader {
    if (n > this.left) throw new RangeError('short');
    const sub = new Reader(this.b, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }
  ascii(n: number): string {
    const r = this.take(n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(r.u8());
    return s;
  }
}

/** The summary of the ClientHello in the first record, or null when it is not one (or is cut short). */
export function parseClientHello(bytes: Uint8Array): ClientHello | null {
  const total = firstRecordLength(bytes);
  if (!total || bytes.length < total) return null;
  try {
    const record = new Reader(bytes, RECORD_HEADER, total);
    if (record.u8() !== 1) return null; // handshake type client_hello
    // A hello longer than its record continues in the next one: what is here is still read.
    const body = record.take(Math.min(record.u24(), record.left));
    body.take(2 + 32); // legacy_version, random
    body.take(body.u8()); // legacy_session_id
    const suites = body.take(body.u16());
    let grease = false;
    let cipherSuites = 0;
    while (suites.left >= 2) {
      const s = suites.u16();
      if (isGrease(s)) grease = true;
      else cipherSuites++;
    }
    body.take(body.u8()); // legacy_compression_methods
    const summary: ClientHello = {
      grease,
      extensions: [],
      groups: [],
      alpn: [],
      sni: null,
      cipherSuites,
    };
    if (body.left < 2) return summary;
    const exts = body.take(Math.min(body.u16(), body.left));
    while (exts.left >= 4) {
      const type = exts.u16();
      const data = exts.take(Math.min(exts.u16(), exts.left));
      if (isGrease(type)) {
        summary.grease = true;
        continue;
      }
      if (summary.extensions.length < 40) summary.extensions.push(type);
      readExtension(type, data, summary);
    }
    return summary;
  } catch {
    return null;
  }
}

function readExtension(type: number, data: Reader, summary: ClientHello): void {
  if (type === EXT.supportedGroups) {
    const list = data.take(Math.min(data.u16(), data.left));
    while (list.left >= 2) {
      const g = list.u16();
      if (isGrease(g)) summary.grease = true;
      else if (summary.groups.length < 24) summary.groups.push(g);
    }
  } else if (type === EXT.alpn) {
    const list = data.take(Math.min(data.u16(), data.left));
    while (list.left >= 1) {
      const n = list.u8();
      const name = list.ascii(Math.min(n, list.left));
      if (summary.alpn.length < 8) summary.alpn.push(name.slice(0, 32));
    }
  } else if (type === EXT.serverName) {
    const list = data.take(Math.min(data.u16(), data.left));
    if (list.left >= 3 && list.u8() === 0) {
      const n = list.u16();
      summary.sni = list.ascii(Math.min(n, list.left, 253));
    }
  }
}
