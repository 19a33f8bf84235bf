/**
 * What a load generator process of bench:relay-cpu (relay-cpu-client.ts) asks of its callers, whichever
 * kind they are: libdatachannel peers driven from JavaScript (ldc.ts) or werift set-ups handed to a native
 * pump (native.ts). Each caller sends one 50 packet/s audio stream over DTLS-SRTP through the relay and
 * counts its echoes; the payload carries the send time, so every echo gives its round trip.
 */
export const CALLER_KINDS = ['ldc', 'native'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export interface CallerReport {
  /** Per connected stream: packets sent and echoes received since mark(). */
  sent: number[];
  echoed: number[];
  /** Every echo's round trip since mark(), ms. */
  rttMs: number[];
  /** Sessions the relay ended before the caller said bye. */
  ended: number;
  /** What this kind of caller adds (the native pump's counters), for the benchmark's notes. */
  notes: string[];
}

export interface CallerPool {
  /** Sets up one caller through the relay's signaling; resolves at its first echo, then it falls quiet. */
  open(port: number, cert: string, setupLimitMs: number): Promise<void>;
  /** Every caller sends again, each from a random point of its 20 ms frame (independent callers). */
  start(): void;
  /** Start of the measured window. */
  mark(): void;
  report(): CallerReport;
  /** Says bye and closes every caller. */
  close(): void;
  connected(): number;
}

export const PAYLOAD_BYTES = 80;
export const INTERVAL_MS = 20;
export const OPUS = { payloadType: 111, rtpmap: 'opus/48000/2' };
/** The native pump's tick: a packet leaves within this long after its time, and echoes are read this often. */
export const NATIVE_TICK_US = 1000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
