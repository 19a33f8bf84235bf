/**
 * What the relay received of one session's media, counted so the client can tell loss on its way in (the
 * client's uplink) from loss on its way back (its downlink): the echo alone mixes both.
 *
 * Audio is counted by RTP sequence number (RFC 3550 §A.3): packets received, and how many the span from the
 * first to the highest sequence number seen says the client sent. That needs no agreement on when counting
 * started or stopped, so neither the first packets (which open the track) nor packets still in flight when
 * the client asks change the ratio. Data-channel messages carry no sequence number the relay reads: they are
 * simply counted, and the client asks only after it stopped sending them.
 */
import type { MediaCounts } from '../../protocol/relay-messages.ts';
import { PerSecondCounts } from './per-second-counts.ts';

const SEQ_MOD = 0x1_0000;
/** A jump this far ahead is a new stream start or garbage, not loss (RFC 3550 §A.1 MAX_DROPOUT). */
const MAX_DROPOUT = 3000;

export class RtpSequenceCounter {
  private first: number | null = null;
  /** Highest extended sequence number (cycles * 65536 + seq). */
  private highest = 0;
  private count = 0;

  add(sequenceNumber: number): void {
    const seq = sequenceNumber & 0xffff;
    this.count++;
    if (this.first === null) {
      this.first = seq;
      this.highest = seq;
      return;
    }
    const current = this.highest % SEQ_MOD;
    const delta = (seq - current + SEQ_MOD) % SEQ_MOD;
    // Ahead by less than MAX_DROPOUT: the stream moved on (wrapping if it must); otherwise a late or
    // duplicate packet, which is counted as received (RFC 3550 counts duplicates too) but moves nothing.
    if (delta > 0 && delta < MAX_DROPOUT) this.highest += delta;
  }

  /** How many sequence numbers the packets so far span, from the first to the highest seen. */
  span(): number {
    return this.first === null ? 0 : this.highest - this.first + 1;
  }

  /** Packets received, and packets the sequence numbers say were sent from the first to the highest seen. */
  counts(): { received: number; expected: number } {
    if (this.first === null) return { received: 0, expected: 0 };
    const expected = this.highest - this.first + 1;
    // Duplicates can make received exceed expected: then nothing was lost, and no more than sent arrived.
    return { received: Math.min(this.count, expected), expected };
  }
}

/**
 * One session's counters: the audio by sequence number, the data-channel probes by count, and both with the
 * echoes second by second.
 */
export class ReceiveCounts {
  readonly rtp = new RtpSequenceCounter();
  probes = 0;
  readonly perSecond: PerSecondCounts;

  constructor(now: () => number = () => performance.now()) {
    this.perSecond = new PerSecondCounts(now);
  }

  /** An authentic audio RTP packet from the client (that arrived at `atMs`, when not just now). */
  audioIn(sequenceNumber: number, atMs?: number): void {
    this.rtp.add(sequenceNumber);
    this.perSecond.audio(this.rtp.span(), atMs);
  }

  /** A data-channel probe from the client. */
  probeIn(): void {
    this.probes++;
    this.perSecond.received();
  }

  /** A packet echoed back to the client (audio or probe), at `atMs` when not just now. */
  echoOut(atMs?: number): void {
    this.perSecond.sent(atMs);
  }

  /** What the client asked for: the whole session's counts, and with perSecond the seconds too. */
  snapshot(perSecond = false): MediaCounts {
    const counts = { rtp: this.rtp.counts(), probes: { received: this.probes } };
    return perSecond ? { ...counts, perSecond: this.perSecond.snapshot() } : counts;
  }
}
