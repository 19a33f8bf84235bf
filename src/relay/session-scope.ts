/**
 * Which media session an error belongs to. A session's werift peer connection is created and driven inside
 * its scope, so every socket, timer and promise werift makes for it carries the scope along (Node's async
 * context follows them). An error that escapes werift, thrown from a socket callback or an unhandled
 * rejection, then names its session in the process-level handlers, and only that session is torn down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface SessionScope {
  /** Tears down this session (once; later calls do nothing) after an unexpected error. */
  fail(err: unknown): void;
}

const storage = new AsyncLocalStorage<SessionScope>();

export function runInSessionScope<T>(scope: SessionScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The session whose code is running now, if any. */
export function currentSessionScope(): SessionScope | undefined {
  return storage.getStore();
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
