/**
 * The run state while the background runs. Each change reaches the open pages at once (the popup shows an
 * HTTPS result as soon as it is measured) and is stored after, in order, so a popup opened later, the report
 * page and a restarted background still find it.
 */
import type { RunState } from '../protocol/runtime-messages.ts';

export interface RunStateKeeperDeps {
  /** The stored state, read once when the background starts. */
  load(): Promise<RunState>;
  save(state: RunState): Promise<void>;
  /** Sends a state to the open pages (src/platform/run-state-port.ts). */
  publish(state: RunState): void;
  /** The state when the stored one cannot be read. */
  fallback: RunState;
}

export interface RunStateKeeper {
  /** The newest state, including changes not stored yet. */
  current(): Promise<RunState>;
  /** Applies a change: published at once, resolved once stored. Changes apply in the order they are made. */
  update(change: (state: RunState) => RunState): Promise<void>;
  /** Applies a change the open pages see at once, not stored on its own: the next stored change carries it. */
  show(change: (state: RunState) => RunState): void;
  /** Runs `task` after every store made so far (the history is written after the state it follows). */
  afterStores(task: () => Promise<void>): Promise<void>;
}

export function createRunStateKeeper(deps: RunStateKeeperDeps): RunStateKeeper {
  let state: Promise<RunState> = deps.load().catch(() => deps.fallback);
  // Stores chain so they land in the order the changes were made; a failed one does not stop the next.
  let stores: Promise<void> = Promise.resolve();
  const chain = (task: () => Promise<void>) => {
    const done = stores.then(task);
    stores = done.catch(() => undefined);
    return done;
  };
  const apply = (change: (state: RunState) => RunState) => {
    // `state` is replaced before any await, so every change sees the one made before it, stored or not.
    const before = state;
    const next = before.then((s) => {
      const changed = change(s);
      deps.publish(changed);
      return changed;
    });
    // A change that throws changes nothing.
    state = next.catch(() => before);
    return next;
  };
  return {
    current: () => state,
    update(change) {
      const next = apply(change);
      return chain(async () => deps.save(await next));
    },
    show(change) {
      apply(change).catch(() => undefined);
    },
    afterStores: chain,
  };
}
