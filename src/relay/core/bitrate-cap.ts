/**
 * A media session's inbound bitrate, averaged over a sliding window, against a cap. Chromium's audio with
 * the extension's data channel probes measured ~95 kbit/s including every header; a cap a few times that stops
 * a client from using the relay's echo to load its uplink (or the relay's CPU) with video-sized floods.
 * The window is cut into buckets, so it slides in steps of windowMs / buckets without keeping a timestamp
 * per packet. Pure bookkeeping with the clock passed in.
 */
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
    const windowMs = opts.windowMs ?? 2000;
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

  /** Average bits per second over the window now (for logs). */
  bitsPerSecond(): number {
    return (this.sum * 8) / ((this.bucketMs * this.bytes.length) / 1000);
  }
}
