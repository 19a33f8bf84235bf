/**
 * The native echo add-on (udp-echo.cc), loaded once, typed. The build puts it in dist/native/udp-echo.node
 * (scripts/native-echo-build.ts); when it is missing or does not load (no g++ where the relay was built,
 * another platform), the relay echoes with the JavaScript lean echo instead and says so once at start
 * (choose-echo.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Opaque: one session's socket as the add-on polls it. */
export type NativeHandle = { readonly __nativeEcho: unique symbol };

export interface NativeAttachOptions {
  /** The session's UDP socket (the add-on reads a copy of it). */
  fd: number;
  /** The user's nominated address: the only source echoed, and where echoes go. */
  peerAddress: string;
  peerPort: number;
  /** The browser's SRTP session key and salt (decrypts what it sends), and the relay's (encrypts the echo). */
  remoteKey: Buffer;
  remoteSalt: Buffer;
  localKey: Buffer;
  localSalt: Buffer;
  /** The relay's SSRC and the negotiated payload type, written into every echo. */
  ssrc: number;
  payloadType: number;
  /** Larger datagrams are dropped and counted (the MediaGuard's cap). */
  maxDatagram: number;
  /** Bytes the session's bitrate cap allows until the next setBudget; beyond, datagrams go to JavaScript. */
  budget: number;
  /** Rollover counter state of the packets the lean echo already took (srtp.ts RolloverCounter). */
  roc: number;
  highestSeq: number;
  /**
   * Called in the main loop after a batch: the datagrams the add-on did not echo, as [Buffer, address, port]
   * triples (possibly none, when only the ring wants draining).
   */
  onBatch: (others: Array<Buffer | string | number>) => void;
  /**
   * true (the default): the add-on's echo thread reads the socket, so the echo does not wait for the
   * JavaScript thread; false: the add-on polls it in Node's main loop (--native-echo-thread off).
   */
  thread?: boolean;
}

/** stats() indices. */
export const STAT = {
  echoed: 0,
  refused: 1,
  oversized: 2,
  passedBytes: 3,
  sendFailed: 4,
  handed: 5,
  lastSentMs: 6,
  budget: 7,
  /** Datagrams for JavaScript dropped because the session's queue was full (thread mode). */
  queueDropped: 8,
} as const;
/**
 * drain() writes this many numbers per packet: sequence number, RTP timestamp, SSRC, arrival (ms), payload
 * bytes, and 1 when its echo went out (0: the send failed, a full send queue).
 */
export const DRAIN_FIELDS = 6;

export interface NativeEcho {
  attach(opts: NativeAttachOptions): NativeHandle;
  drain(handle: NativeHandle, out: Float64Array): number;
  stats(handle: NativeHandle, out: Float64Array): void;
  setBudget(handle: NativeHandle, bytes: number): void;
  setPeer(handle: NativeHandle, peer: { peerAddress: string; peerPort: number }): void;
  /**
   * Stops reading: once it returns the add-on no longer touches the socket. Gives back the datagrams its
   * thread read and JavaScript was not given yet, as onBatch would have.
   */
  detach(handle: NativeHandle): Array<Buffer | string | number>;
  polling(handle: NativeHandle): boolean;
  /** The add-on's clock (CLOCK_MONOTONIC, ms): arrival times in drain() are on it. */
  nowMs(): number;
  /**
   * 'high': the echo thread under SCHED_FIFO priority 1 while it uses less than budgetPercent (default 60)
   * of the CPU in each 100 ms window, ordinary scheduling for the rest of a window past it; without the
   * privilege, a nice 10 below the process's; 'short-slice': the process's nice with a 0.1 ms time slice (Linux 6.12+, no privilege);
   * 'normal': the process's scheduling. Never throws for a refusal: says what it got.
   */
  setPriority(priority: Exclude<EchoPriority, 'auto'>, budgetPercent?: number): ThreadPriority;
  /** What the echo thread runs with now, changing nothing. */
  priority(): ThreadPriority;
}

/** --native-echo-priority: how the echo thread is scheduled. */
/** --native-echo-priority: how the echo thread is scheduled ('auto' is chosen in choose-echo.ts). */
export type EchoPriority = 'auto' | 'normal' | 'short-slice' | 'high';

/** What the kernel says the echo thread got (read back after asking). */
export interface ThreadPriority {
  /** 'fifo' (SCHED_FIFO) or 'other' (the ordinary time-sharing policy). */
  policy: string;
  /** The real-time priority (0 under 'other'). */
  priority: number;
  nice: number;
  /** The thread's task id: /proc/<pid>/task/<tid>; its comm is "svc-echo". */
  tid: number;
  /** The time slice the kernel gives it, µs (its default unless 'short-slice'); 0 where it does not say. */
  sliceUs: number;
  /** 100 ms windows in which the 'high' thread used its real-time budget and ran on as an ordinary thread. */
  fifoDemoted: number;
  /** What the kernel refused on the way (no privilege): the relay runs on with what it got. */
  refused?: string;
}

export type NativeLoad = { ok: true; echo: NativeEcho; file: string } | { ok: false; reason: string };

/** Where the build puts the add-on, seen from the bundled relay (dist/relay) and from the sources. */
function candidates(): string[] {
  return [
    fileURLToPath(new URL('../native/udp-echo.node', import.meta.url)),
    fileURLToPath(new URL('../../../../dist/native/udp-echo.node', import.meta.url)),
  ];
}

/** Loads the add-on from `file`, or from where the build puts it. */
export function loadNativeEcho(file?: string): NativeLoad {
  const files = file ? [file] : candidates();
  const found = files.find((f) => existsSync(f));
  if (!found) return { ok: false, reason: `not built (${files[0]} missing)` };
  try {
    const echo = createRequire(import.meta.url)(found) as NativeEcho;
    if (typeof echo.attach !== 'function') return { ok: false, reason: `${found} is not the native echo` };
    return { ok: true, echo, file: found };
  } catch (err) {
    return { ok: false, reason: `${found} did not load: ${(err as Error).message}` };
  }
}
