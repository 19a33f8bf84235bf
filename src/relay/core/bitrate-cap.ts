/**
 * A media session's inbound bitrate, averaged over a sliding window, against a cap. Chromium's audio with
 * the extension's data channel probes measured ~95 kbit/s including every header; a cap a few times that stops
 * a client from using the relay's echo to load its uplink (or the relay's CPU) with video-sized floods.
 * The window is cut into buckets, so it slides in steps of windowMs / buckets without keeping a timestamp
 * per packet. Pure bookkeeping with the clock passed in.
 */

/** The window BitrateCap averages over unless told otherwise. */
export const DEFAULT_WINDOW_MS = 2000;

export interface BitrateCapOptions {
  maxBitsPerSecond: number;
  /** The average is taken over this much time (2 s: a DTLS handshake's burst averages out, a flood does not). */
  windowMs?: number;
  buckets?: number;
}

export class BitrateCap {
  private readonly maxBytesPerWindow: number;
  private readonly bucketMs: number;
  /** Bytes per bucket, indexed by bucket number modulo the bucket count. */
  private readonly bytes: number[];
  /** The bucket number (time / bucketMs) each slot holds. */
  private readonly slots: number[];
  private sum = 0;

  constructor(opts: BitrateCapOptions) {
    const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    const buckets = opts.buckets ?? 8;
    this.maxBytesPerWindow = (opts.maxBitsPerSecond / 8) * (windowMs / 1000);
    this.bucketMs = windowMs / buckets;
    this.bytes = new Array(buckets).fill(0);
    this.slots = new Array(buckets).fill(Number.NEGATIVE_INFINITY);
  }

  /** Counts `size` bytes received at `now`; false once the window holds more than the cap allows. */
  add(size: number, now: number): boolean {
    const n = this.bytes.length;
    const bucket = Math.floor(now / this.bucketMs);
    // Forget buckets that have left the window (or were never filled).
    for (let i = 0; i < n; i++) {
      if ((this.slots[i] as number) <= bucket - n) {
        this.sum -= this.bytes[i] as number;
        this.bytes[i] = 0;
        this.slots[i] = Number.NEGATIVE_INFINITY;
      }
    }
    const slot = ((bucket % n) + n) % n;
    if (this.slots[slot] !== bucket) {
      this.sum -= this.bytes[slot] as number;
      this.bytes[slot] = 0;
      this.slots[slot] = bucket;
    }
    this.bytes[slot] = (this.bytes[slot] as number) + size;
    this.sum += size;
    return this.sum <= this.maxBytesPerWindow;
  }

  /** Bytes the window still takes at `now` before the cap (what the native echo may pass on its own). */
  headroom(now: number): number {
    this.add(0, now);
    return Math.max(0, this.maxBytesPerWindow - this.sum);
  }

  /** Average bits per second over the window now (for logs). */
  bitsPerSecond(): number {
    return (this.sum * 8) / ((this.bucketMs * this.bytes.length) / 1000);
  }
}

/**
 * What the relay leaves for audio when it sizes a data channel message: G.711 or G.722 at 20 ms with every
 * header is ~73 kbit/s inbound, Chromium's Opus with the extension's probes ~95 kbit/s.
 */
export const AUDIO_ALLOWANCE_BPS = 100_000;

/** Bytes on the wire per byte of a large data channel message: DTLS record and SCTP DATA chunk headers. */
const DATA_CHANNEL_OVERHEAD = 1.1;

/** The largest max-message-size the relay advertises (werift's default, and more than the probes need). */
export const MAX_DATA_CHANNEL_MESSAGE_BYTES = 65_536;

/**
 * The a=max-message-size to advertise for a session under this cap: one message of that size, sent at
 * once while audio flows, fits in one window of the cap, so a client that keeps to the advertised size is
 * never cut off as rate-limited for it. At least 1 KiB even under the smallest cap (128 kbit/s leaves ~7 KB).
 */
export function maxMessageBytes(maxBitsPerSecond: number, windowMs = DEFAULT_WINDOW_MS): number {
  const windowBytes = ((maxBitsPerSecond - AUDIO_ALLOWANCE_BPS) / 8) * (windowMs / 1000);
  const bytes = Math.floor(windowBytes / DATA_CHANNEL_OVERHEAD);
  return Math.max(1024, Math.min(MAX_DATA_CHANNEL_MESSAGE_BYTES, bytes));
}
