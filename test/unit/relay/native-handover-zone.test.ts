/**
 * A session whose nominated address carries an IPv6 zone (a relay on a link-local --media-address6) stays
 * on the lean echo: the add-on cannot address it (inet_pton refuses "%zone"), and before this check its
 * attach threw and the session failed with "internal error: attach: peer address expected".
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DropReason } from '../../../src/relay/core/media-guard.ts';
import { type NativeEcho, type NativeHandle, STAT } from '../../../src/relay/media/native/native-echo.ts';
import {
  addressable,
  type HandoverParts,
  NativeHandover,
} from '../../../src/relay/media/native/native-handover.ts';

// A bound socket, as werift's would be: the handover reads its descriptor.
let socket: Socket;
beforeEach(async () => {
  socket = createSocket('udp6');
  await new Promise<void>((resolve) => socket.bind(0, '::1', resolve));
});
afterEach(async () => {
  await new Promise<void>((resolve) => socket.close(() => resolve()));
});

/**
 * Stands in for the add-on: records whom it was asked to echo to, lets go when told, and reports `figures`
 * (its stats(), by STAT index) as they are when the relay reads them.
 */
function fakeEcho(attached: string[], figures: number[] = []): NativeEcho {
  let polling = false;
  return {
    attach: (opts) => {
      attached.push(opts.peerAddress);
      polling = true;
      return {} as NativeHandle;
    },
    drain: () => 0,
    stats: (_handle, out) => out.set(figures.slice(0, out.length)),
    setBudget: () => undefined,
    setPeer: () => undefined,
    detach: () => {
      polling = false;
      return [];
    },
    polling: () => polling,
    nowMs: () => 0,
    setPriority: () => ({ policy: 'other', priority: 0, nice: 0, tid: 0, sliceUs: 0, fifoDemoted: 0 }),
    priority: () => ({ policy: 'other', priority: 0, nice: 0, tid: 0, sliceUs: 0, fifoDemoted: 0 }),
  };
}

function parts(address: string, attached: string[], figures: number[] = []): HandoverParts {
  return {
    echo: fakeEcho(attached, figures),
    lean: { keyed: true, remoteRollover: () => ({ roc: 0, highest: 0 }) },
    dtls: {
      srtp: {
        config: { profile: 7 },
        remoteContext: { srtpSessionKey: Buffer.alloc(16), srtpSessionSalt: Buffer.alloc(12) },
        localContext: { srtpSessionKey: Buffer.alloc(16), srtpSessionSalt: Buffer.alloc(12) },
      },
    },
    sender: { ssrc: 1, codec: { payloadType: 111 } },
    nominated: () => ({
      remoteAddr: [address, 5000],
      protocol: { transport: { type: 'udp', closed: false, socket } },
    }),
    sourceKey: (addr: readonly [string, number]) => `${addr[0]}:${addr[1]}`,
    isProven: () => true,
    headroom: () => 1_000_000,
    countPassed: () => true,
    maxDatagram: 1500,
    onEchoed: () => undefined,
    onDrop: () => undefined,
    onOverBitrate: () => undefined,
    onAttached: () => undefined,
    now: () => 0,
  } as unknown as HandoverParts;
}

describe('native handover and IPv6 zones', () => {
  it('leaves a session whose peer address has a zone on the lean echo, without calling the add-on', () => {
    const attached: string[] = [];
    const handover = new NativeHandover(parts('fe80::1%lo', attached));
    expect(() => handover.maybeAttach()).not.toThrow();
    expect(attached).toEqual([]);
    expect(handover.active).toBe(false);
    handover.maybeAttach();
    expect(attached).toEqual([]);
  });

  it('hands a session with a plain address to the add-on (the same parts, so the case above is the zone)', () => {
    const attached: string[] = [];
    new NativeHandover(parts('::1', attached)).maybeAttach();
    expect(attached).toEqual(['::1']);
  });

  it('knows which addresses the add-on can take', () => {
    expect(addressable('::1')).toBe(true);
    expect(addressable('2001:db8::5')).toBe(true);
    expect(addressable('192.0.2.7')).toBe(true);
    expect(addressable('fe80::1%lo')).toBe(false);
    expect(addressable('fe80::1%2')).toBe(false);
  });
});

describe("native handover and the add-on's drops", () => {
  it('counts the echoes whose send failed and the datagrams dropped for a full queue under their reasons, once each', () => {
    const figures = new Array<number>(STAT.queueDropped + 1).fill(0);
    const drops: Array<[DropReason, number | undefined]> = [];
    const handover = new NativeHandover({
      ...parts('::1', [], figures),
      onDrop: (reason, count) => drops.push([reason, count]),
    });
    handover.maybeAttach();
    expect(handover.active).toBe(true);
    handover.drain();
    expect(drops).toEqual([]);

    figures[STAT.sendFailed] = 3;
    figures[STAT.queueDropped] = 700;
    figures[STAT.oversized] = 1;
    handover.drain();
    expect(drops).toEqual([
      ['oversized', 1],
      ['echo-send-failed', 3],
      ['queue-full', 700],
    ]);

    // The add-on's figures are totals: only what is new since the last reading counts again.
    drops.length = 0;
    handover.drain();
    expect(drops).toEqual([]);
    figures[STAT.queueDropped] = 710;
    handover.drain();
    expect(drops).toEqual([['queue-full', 10]]);
  });
});
