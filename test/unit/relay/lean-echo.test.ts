/**
 * The lean echo over werift-shaped parts (media/lean-echo.ts): what it takes and what it leaves to werift,
 * what the echo carries, what it counts for media-counts and the receiver report, and that a client cannot
 * grow its memory by rotating SSRCs. SRTP from werift's own SrtpSession plays the client.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as turnEnd } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RtpHeader, SrtpSession } from 'werift';
import {
  LeanEcho,
  type LeanEchoParts,
  type LeanPairInternals,
  MAX_REPORTED_SSRCS,
} from '../../../src/relay/media/lean-echo.ts';

const GCM = 7;
const RELAY_SSRC = 0x0badcafe;

function setup() {
  const client = { key: randomBytes(16), salt: randomBytes(12) };
  const relay = { key: randomBytes(16), salt: randomBytes(12) };
  const keys = (a: typeof client, b: typeof client) => ({
    keys: {
      localMasterKey: a.key,
      localMasterSalt: a.salt,
      remoteMasterKey: b.key,
      remoteMasterSalt: b.salt,
    },
    profile: GCM as never,
  });
  const clientSession = new SrtpSession(keys(client, relay));
  const relaySession = new SrtpSession(keys(relay, client));
  const sent: Buffer[] = [];
  const received: number[] = [];
  const pair: LeanPairInternals = {
    remoteAddr: ['127.0.0.1', 5000],
    protocol: {
      sendData: async (data) => {
        sent.push(data);
      },
    },
  };
  let rtcpStarts = 0;
  const parts: LeanEchoParts = {
    dtls: { state: 'connected', srtp: relaySession as unknown as LeanEchoParts['dtls']['srtp'] },
    sender: {
      ssrc: RELAY_SSRC,
      codec: { payloadType: 111, clockRate: 48_000 },
      packetCount: 0,
      octetCount: 0,
      rtpTimestamp: 0,
      ntpTimestamp: 0n,
      runRtcp: async () => {
        rtcpStarts++;
      },
    },
    receiver: {
      remoteStreams: {},
      runRtcp: async () => {
        rtcpStarts++;
      },
    },
    nominated: () => pair,
    onReceived: (seq) => received.push(seq),
    send: (data, to) => void to.protocol.sendData(data, to.remoteAddr),
  };
  const lean = new LeanEcho(parts);
  const packet = (seq: number, ssrc = 0x1234) =>
    clientSession.encrypt(
      Buffer.alloc(80, seq & 0xff),
      new RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp: seq * 960, ssrc }),
    );
  return { lean, parts, sent, received, clientSession, packet, rtcpStarts: () => rtcpStarts };
}

describe('LeanEcho', () => {
  it('echoes each authentic packet once at the end of the turn, with the relay SSRC and the client sequence number', async () => {
    const { lean, parts, sent, received, clientSession, packet, rtcpStarts } = setup();
    for (const seq of [100, 101, 105]) expect(lean.take(packet(seq))).toBe(true);
    // Nothing goes out until the turn ends: the echoes of one turn leave together.
    expect(sent).toHaveLength(0);
    await turnEnd();
    expect(sent).toHaveLength(3);
    const echoes = sent.map((s) => clientSession.remoteContext.decryptRtp(s)[0]);
    expect(echoes.map((e) => e.readUInt16BE(2))).toEqual([100, 101, 105]);
    for (const e of echoes) {
      expect(e.readUInt32BE(8)).toBe(RELAY_SSRC);
      expect((e[1] as number) & 0x7f).toBe(111);
      expect(e.subarray(12)).toEqual(Buffer.alloc(80, e.readUInt16BE(2) & 0xff));
    }
    // media-counts and the receiver report see the gap (102-104) the client's uplink left.
    expect(received).toEqual([100, 101, 105]);
    const stats = parts.receiver.remoteStreams[0x1234] as { packets_lost: number };
    expect(stats.packets_lost).toBe(3);
    expect(parts.sender.packetCount).toBe(3);
    expect(parts.sender.octetCount).toBe(240);
    // Both report loops started once, and the sender report's clock is the last echo's.
    expect(rtcpStarts()).toBe(2);
    expect(parts.sender.ntpTimestamp).toBeGreaterThan(0n);
  });

  it('drops a tampered packet unanswered, and leaves RTCP and anything before the keys to werift', async () => {
    const { lean, parts, sent, received, packet } = setup();
    const forged = Buffer.from(packet(7));
    forged[20] = (forged[20] as number) ^ 0xff;
    expect(lean.take(forged)).toBe(true);
    expect(lean.refused).toBe(1);
    const rtcp = Buffer.alloc(28);
    rtcp[0] = 0x80;
    rtcp[1] = 200;
    expect(lean.take(rtcp)).toBe(false);
    const before = new LeanEcho({ ...parts, dtls: { state: 'connecting' } });
    expect(before.take(packet(8))).toBe(false);
    await turnEnd();
    expect(sent).toHaveLength(0);
    expect(received).toEqual([]);
  });

  it(`keeps receive statistics for at most ${MAX_REPORTED_SSRCS} SSRCs, and still echoes the rest`, async () => {
    const { lean, parts, sent, packet } = setup();
    for (let i = 0; i < 10; i++) expect(lean.take(packet(200 + i, 0x1000 + i))).toBe(true);
    await turnEnd();
    expect(Object.keys(parts.receiver.remoteStreams)).toHaveLength(MAX_REPORTED_SSRCS);
    expect(sent).toHaveLength(10);
  });
});
