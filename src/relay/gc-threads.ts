/**
 * The relay gives V8 one helper thread for garbage collection (node --v8-pool-size=1), and every command
 * that starts it says so: the systemd unit, the container's entry point, `npm start`, the tests' harness and
 * the benchmarks.
 *
 * Why: the native echo's thread (svc-echo) echoes each user's audio while JavaScript runs, and it needs
 * about a third of a core at 500 streams. With Node's default of four helpers, each collection wakes them
 * all beside the main thread. On a relay with one core the echo thread then shares it six ways for the
 * collection's duration, falls behind, and the audio queues: at 500 streams on one core the echo's added
 * delay at p99 had a median of 54 ms over 17 runs (BENCHMARKS.md, ninth run). With one helper it shares the
 * core three ways: 29 ms over 7 runs, with the same memory and CPU per session. Collecting on the main thread
 * alone (--single-threaded-gc) shares it two ways (16.5 ms), but left the relay holding half as much memory
 * again per session (0.63 MB at 200 sessions against 0.40), so one helper it is. V8 also compiles on it.
 *
 * The pool is sized when node starts, so the flag belongs on the node command line (or NODE_OPTIONS). An
 * operator may leave it off: the relay runs the same, and says at start what it has.
 */
export const GC_HELPERS = 1;

export const RELAY_NODE_FLAGS = [`--v8-pool-size=${GC_HELPERS}`] as const;

/** The --v8-pool-size node was given (its command line first, then NODE_OPTIONS); null: Node's default (4). */
export function v8PoolSize(execArgv: readonly string[], nodeOptions: string | undefined): number | null {
  for (const words of [execArgv, (nodeOptions ?? '').split(/\s+/)]) {
    for (const [i, w] of words.entries()) {
      const value = w.startsWith('--v8-pool-size=')
        ? w.slice('--v8-pool-size='.length)
        : w === '--v8-pool-size'
          ? words[i + 1]
          : undefined;
      if (value !== undefined && /^\d{1,4}$/.test(value)) return Number(value);
    }
  }
  return null;
}
