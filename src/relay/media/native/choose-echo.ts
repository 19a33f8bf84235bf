/**
 * Which echo the relay runs, decided once at start: 'native' needs the add-on (native-echo.ts); when it
 * does not load, the relay echoes with the lean echo and says so once, with why, so an operator who asked
 * for the native echo (or a build that could not compile it) is not left guessing.
 */
import type { Logger } from '../../logger.ts';
import type { EchoPath } from '../echo-session.ts';
import { type EchoPriority, loadNativeEcho, type NativeEcho, type NativeLoad } from './native-echo.ts';

export interface EchoChoice {
  echoPath: EchoPath;
  nativeEcho: NativeEcho | null;
}

/**
 * `thread`: the add-on's echo thread reads the sessions' sockets (the default); false: it polls them in
 * Node's main loop, where every JavaScript stall delays the echo (--native-echo-thread off, to compare).
 * `priority` (--native-echo-priority): 'short-slice' asks for a short time slice for the echo thread, 'high'
 * for it to be scheduled ahead of the process's other threads within its budget, 'auto' (the default) for
 * 'high' where the relay may and 'short-slice' elsewhere; each logs once what the kernel granted.
 */
export function chooseEcho(
  requested: EchoPath,
  log: Logger,
  load: () => NativeLoad = loadNativeEcho,
  thread = true,
  priority: EchoPriority = 'auto',
): EchoChoice {
  if (requested !== 'native') return { echoPath: requested, nativeEcho: null };
  const loaded = load();
  if (!loaded.ok) {
    log.warn({ event: 'native-echo-not-loaded', reason: loaded.reason, echoPath: 'lean' });
    return { echoPath: 'lean', nativeEcho: null };
  }
  log.info({ event: 'echo-path', echoPath: 'native', file: loaded.file, thread });
  if (priority !== 'normal') prioritise(loaded.echo, priority, thread, log);
  return { echoPath: 'native', nativeEcho: withThread(loaded.echo, thread) };
}

/** The time slice --native-echo-priority short-slice asks for (the add-on's kSliceNs), µs. */
export const SHORT_SLICE_US = 100;

/** The add-on with every session attached in the given mode. */
export function withThread(echo: NativeEcho, thread: boolean): NativeEcho {
  return { ...echo, attach: (opts) => echo.attach({ ...opts, thread }) };
}

/**
 * --native-echo-priority auto, high or short-slice: what the echo thread got, said once. Without the privilege (a
 * non-root service, systemd's RestrictRealtime=) the relay runs on with what the kernel allowed, and says
 * what it refused.
 */
function prioritise(echo: NativeEcho, priority: EchoPriority, thread: boolean, log: Logger): void {
  if (!thread) {
    log.warn({ event: 'native-echo-priority', asked: priority, got: 'nothing: --native-echo-thread off' });
    return;
  }
  // 'auto': real-time where this relay may have it (root, CAP_SYS_NICE, systemd's LimitRTPRIO=1), which is
  // not a fault where it may not (a container, a pod): there the short slice, and no warning.
  let got = echo.setPriority(priority === 'auto' ? 'high' : priority);
  let slice = priority === 'short-slice';
  let notPermitted: string | undefined;
  if (priority === 'auto' && got.policy !== 'fifo') {
    notPermitted = got.refused;
    got = echo.setPriority('short-slice');
    slice = true;
  }
  const what =
    got.policy === 'fifo'
      ? `SCHED_FIFO ${got.priority}`
      : `${got.policy}, nice ${got.nice}${slice ? `, slice ${got.sliceUs} µs` : ''}`;
  // A kernel before 6.12 takes the request and keeps its own slice; say so rather than claim it.
  const kept =
    slice && !got.refused && got.sliceUs !== SHORT_SLICE_US
      ? 'slice: the kernel kept its own (per-thread slices need Linux 6.12 or later)'
      : undefined;
  const entry = {
    event: 'native-echo-priority',
    asked: priority,
    got: what,
    tid: got.tid,
    refused: got.refused ?? kept,
    ...(notPermitted ? { realTime: `not permitted here (${notPermitted})` } : {}),
  };
  if (entry.refused && got.policy !== 'fifo') log.warn(entry);
  else log.info(entry);
}
