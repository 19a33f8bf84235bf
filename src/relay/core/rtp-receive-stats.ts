/**
 * What the relay's receiver reports (RTCP RR, RFC 3550 §6.4.2) about the client's audio when the lean echo
 * (media/lean-echo.ts) takes the packets instead of werift: the same figures werift's own StreamStatistics
 * keeps, with the fields and getters its RR loop reads (fraction_lost, packets_lost, max_seq, jitter), so
 * the browser still gets its remote-inbound-rtp loss and round trip from the relay's reports.
 */

/** 16-bit "a is after b" (RFC 1982 serial arithmetic). */
function seqAfter(a: number, b: number): boolean {
  return a !== b && ((a - b) & 0xffff) < 0x8000;
}

export class RtpReceiveStats {
  private baseSeq: number | null = null;
  /** Highest sequence number seen (16 bits); `cycles` counts its wraps, ×65536. */
  max_seq: number | undefined = undefined;
  private cycles = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private jitterQ4 = 0;
  private lastArrival: number | null = null;
  private lastTimestamp: number | null = null;
  private readonly clockRate: number;

  constructor(clockRate: number) {
    this.clockRate = clockRate;
  }

  /** One authentic packet: its sequence number, RTP timestamp, and arrival time in seconds. */
  add(seq: number, timestamp: number, arrivalS: number): void {
    this.received++;
    if (this.baseSeq === null || this.max_seq === undefined) {
      this.baseSeq = seq;
      this.max_seq = seq;
    } else if (seqAfter(seq, this.max_seq)) {
      if (seq < this.max_seq) this.cycles += 0x1_0000;
      this.max_seq = seq;
    } else {
      return;
    }
    // RFC 3550 §A.8 interarrival jitter, in timestamp units ×16 (in-order packets only, as werift does).
    const arrival = Math.trunc(arrivalS * this.clockRate);
    if (this.lastArrival !== null && this.lastTimestamp !== null && timestamp !== this.lastTimestamp) {
      const d = Math.abs(arrival - this.lastArrival - (timestamp - this.lastTimestamp));
      this.jitterQ4 += d - ((this.jitterQ4 + 8) >> 4);
    }
    this.lastArrival = arrival;
    this.lastTimestamp = timestamp;
  }

  private get expected(): number {
    if (this.baseSeq === null || this.max_seq === undefined) return 0;
    return this.cycles + this.max_seq - this.baseSeq + 1;
  }

  /** Cumulative packets lost (never below 0: duplicates can make received exceed expected). */
  get packets_lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  /** Fraction lost since the last report, ×256 (RFC 3550 §A.3); reading it starts a new interval. */
  get fraction_lost(): number {
    const expectedInterval = this.expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = this.expected;
    this.receivedPrior = this.received;
    const lost = expectedInterval - receivedInterval;
    return expectedInterval === 0 || lost <= 0 ? 0 : Math.floor((lost * 256) / expectedInterval);
  }

  get jitter(): number {
    return this.jitterQ4 >> 4;
  }
}
