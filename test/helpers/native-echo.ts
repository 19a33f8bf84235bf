/**
 * The native echo add-on for tests: compiled once per test process into a temporary folder (the same
 * compile as the build's, scripts/native-echo-build.ts), loaded, and wrapped so a test sees every session
 * the relay hands to it (the handles, to read the add-on's own figures). The temporary folder is removed
 * once the add-on is loaded (a loaded shared object needs no file), so tests leave nothing in /tmp.
 */
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, expect } from 'vitest';
import { buildNativeEcho } from '../../scripts/native-echo-build.ts';
import {
  loadNativeEcho,
  type NativeAttachOptions,
  type NativeEcho,
  type NativeHandle,
} from '../../src/relay/media/native/native-echo.ts';
import type { TestRelay } from './in-process-relay.ts';
import type { SignalingClient } from './signaling-client.ts';
import type { BrowserPeer } from './werift-browser.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let loaded: Promise<NativeEcho> | null = null;

/** The add-on, compiled and loaded once for this test process. Throws (the test fails) when it cannot be. */
function nativeEcho(): Promise<NativeEcho> {
  loaded ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-native-echo-'));
    try {
      const result = await buildNativeEcho(root, join(dir, 'udp-echo.node'));
      if (!result.built) throw new Error(`native echo not built: ${result.reason}`);
      const echo = loadNativeEcho(result.file);
      if (!echo.ok) throw new Error(echo.reason);
      return echo.echo;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return loaded;
}

export interface WatchedEcho {
  echo: NativeEcho;
  /** Every attach, in order: its options and the handle the add-on returned. */
  attached: Array<{ opts: NativeAttachOptions; handle: NativeHandle }>;
  /** The add-on's figures for one handle. */
  stats(handle: NativeHandle): {
    echoed: number;
    refused: number;
    oversized: number;
    handed: number;
    queueDropped: number;
  };
}

/**
 * A test file's set-up for the add-on: it is watched once before the file's tests (the compile can take a
 * minute on a busy machine), and what a test pushes on the returned list is undone after it, newest first.
 * `native.watched` is set once the file's tests run.
 */
export function useNativeEcho(): { cleanup: Array<() => unknown>; watched: WatchedEcho } {
  const native = { cleanup: [] as Array<() => unknown>, watched: undefined as unknown as WatchedEcho };
  afterEach(async () => {
    for (const fn of native.cleanup.splice(0).reverse()) await fn();
  });
  beforeAll(async () => {
    native.watched = await watchedNativeEcho();
  }, 120_000);
  return native;
}

export async function watchedNativeEcho(): Promise<WatchedEcho> {
  const inner = await nativeEcho();
  const attached: WatchedEcho['attached'] = [];
  const echo: NativeEcho = {
    ...inner,
    attach: (opts) => {
      const handle = inner.attach(opts);
      attached.push({ opts, handle });
      return handle;
    },
  };
  const stats = (handle: NativeHandle) => {
    const f = new Float64Array(9);
    inner.stats(handle, f);
    return {
      echoed: f[0] as number,
      refused: f[1] as number,
      oversized: f[2] as number,
      handed: f[5] as number,
      queueDropped: f[8] as number,
    };
  };
  return { echo, attached, stats };
}

/** The werift peer's UDP socket on its nominated pair: what it sends from is the nominated address. */
export function peerSocket(peer: BrowserPeer): dgram.Socket {
  const pair = peer.pc.iceTransports.map((t) => t.connection.nominated).find(Boolean) as unknown as {
    protocol: { transport: { socket: dgram.Socket } };
  };
  return pair.protocol.transport.socket;
}

/** An SRTP-shaped datagram (RTP header, payload, 16-byte tag) that no key made. */
export function forgedSrtp(seq: number): Buffer {
  const packet = Buffer.alloc(12 + 80 + 16, 0x33);
  packet[0] = 0x80;
  packet[1] = 111;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(960 * seq, 4);
  packet.writeUInt32BE(4242, 8);
  return packet;
}

/** The relay's svc_relay_media_dropped_total for one reason (0 before the first). */
export const dropped = async (relay: TestRelay, reason: string) =>
  Number(
    new RegExp(`svc_relay_media_dropped_total\\{reason="${reason}"\\} (\\d+)`).exec(
      await relay.metrics(),
    )?.[1] ?? 0,
  );

/** The relay's svc_relay_native_echo_sessions_total: sessions the add-on took. */
export const nativeSessions = async (relay: TestRelay) =>
  Number(/^svc_relay_native_echo_sessions_total (\d+)/m.exec(await relay.metrics())?.[1] ?? Number.NaN);

/**
 * A datagram to the session's port from another address on loopback (`family` 4 or 6): the add-on hands
 * it to the guard, which drops it as from an unknown source, and nothing goes back to that address.
 */
export async function strangerIsDropped(
  relay: TestRelay,
  watched: WatchedEcho,
  handle: NativeHandle,
  port: number,
  family: 4 | 6,
  cleanup: Array<() => unknown>,
): Promise<void> {
  const loopback = family === 4 ? '127.0.0.1' : '::1';
  const stranger = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
  cleanup.push(() => new Promise<void>((r) => stranger.close(() => r())));
  const heard: Buffer[] = [];
  stranger.on('message', (m) => heard.push(m));
  await new Promise<void>((r) => stranger.bind(0, loopback, () => r()));
  const unknownBefore = await dropped(relay, 'unknown-source');
  const handedBefore = watched.stats(handle).handed;
  stranger.send(forgedSrtp(60_001), port, loopback);
  await expect.poll(() => watched.stats(handle).handed, { timeout: 10_000 }).toBeGreaterThan(handedBefore);
  await expect.poll(() => dropped(relay, 'unknown-source'), { timeout: 10_000 }).toBe(unknownBefore + 1);
  expect(heard).toEqual([]);
}

/**
 * The user says bye: the session ends, the add-on stops polling and closes its copy of the descriptor, and
 * the media port can be bound again on the loopback address of `family` (else it stays bound).
 */
export async function byeLetsGo(
  relay: TestRelay,
  sig: SignalingClient,
  watched: WatchedEcho,
  handle: NativeHandle,
  port: number,
  family: 4 | 6,
): Promise<void> {
  sig.send({ type: 'bye' });
  expect(await sig.next('session-ended', 10_000)).toEqual({ type: 'session-ended', reason: 'bye' });
  await expect.poll(async () => (await relay.healthz()).sessions.active, { timeout: 10_000 }).toBe(0);
  expect(watched.echo.polling(handle)).toBe(false);
  const rebind = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6 });
  await new Promise<void>((resolve, reject) => {
    rebind.once('error', reject);
    rebind.bind(port, family === 4 ? '127.0.0.1' : '::1', () => resolve());
  });
  await new Promise<void>((r) => rebind.close(() => r()));
}
