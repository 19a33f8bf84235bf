/**
 * bench:relay-cpu's added echo delay (scripts/bench/echo-delay.ts) from a loopback capture: an echo is
 * matched only with the packet it echoes (same relay port, same caller port, same sequence number), and
 * RTCP, other callers' packets and echoes of packets sent before the capture are not.
 */
import { describe, expect, it } from 'vitest';
import { delaysFromPcap } from '../../../scripts/bench/echo-delay.ts';

/** One Ethernet + IPv4 + UDP frame carrying `payload`, as tcpdump writes it for lo. */
function frame(src: number, dst: number, payload: Buffer): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip[9] = 17;
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(src, 0);
  udp.writeUInt16BE(dst, 2);
  return Buffer.concat([eth, ip, udp, payload]);
}

function rtp(seq: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 111;
  b.writeUInt16BE(seq, 2);
  return b;
}

function rtcp(): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x81;
  b[1] = 201;
  return b;
}

/** A little-endian microsecond pcap of (time µs, frame) records. */
function pcap(records: Array<[number, Buffer]>): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  const parts: Buffer[] = [head];
  for (const [us, f] of records) {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(us / 1e6), 0);
    rec.writeUInt32LE(us % 1e6, 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    parts.push(rec, f);
  }
  return Buffer.concat(parts);
}

describe('delaysFromPcap', () => {
  it('matches each echo with the packet it echoes, and nothing else', () => {
    const relay = 31_000;
    const t0 = 5_000_000;
    const capture = pcap([
      // An echo of a packet sent before the capture: no match.
      [t0, frame(relay, 50_000, rtp(9))],
      [t0 + 10, frame(50_000, relay, rtp(10))],
      // Another caller on another relay port, with the same sequence number.
      [t0 + 20, frame(50_001, relay + 1, rtp(10))],
      [t0 + 30, frame(50_000, relay, rtcp())],
      [t0 + 1_510, frame(relay, 50_000, rtp(10))],
      [t0 + 2_020, frame(relay + 1, 50_001, rtp(10))],
      // The relay's RTCP to the caller is not an echo.
      [t0 + 2_100, frame(relay, 50_000, rtcp())],
      // Not a relay port at all.
      [t0 + 2_200, frame(40_000, 40_001, rtp(10))],
    ]);
    expect(delaysFromPcap(capture, relay, relay + 1)).toEqual([1.5, 2]);
  });

  it('reads nothing from a capture too short to hold a packet, and refuses a file that is not a pcap', () => {
    expect(delaysFromPcap(Buffer.alloc(10), 1, 2)).toEqual([]);
    expect(() => delaysFromPcap(Buffer.alloc(24), 1, 2)).toThrow(/pcap/);
  });
});
