/**
 * What a check needs from its environment. Browser constructors and I/O are passed in, so the same checks run
 * in the extension's background, in a plain web page and in Node tests.
 */

import type { Route } from './ports/proxy-path.ts';
import type { TlsStack } from './tls-inspection.ts';

export interface NetErrorLookup {
  /** The browser's own error string for the last failed request to this URL, if the browser reported one. */
  errorFor(url: string, waitMs: number): Promise<string | undefined>;
  /**
   * How the browser reached this URL (a proxy it named, the address it connected to), if it said so: where
   * the browser reports nothing (web page, Node, no access to the host) this is absent or undefined.
   */
  routeFor?(url: string, waitMs: number): Promise<Route | undefined>;
}

export interface CheckContext {
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  now: () => number;
  netErrors: NetErrorLookup;
  /**
   * The address this browser last reached the host (name or name:port) at, in an earlier run, where the
   * environment remembers it (the extension does: src/platform/relay-address.ts).
   */
  knownAddress?: (host: string) => Promise<string | null>;
  /**
   * The TLS stack of the browser running the checks, where known: the relay's report of the hello it received
   * is compared with what this browser always sends (src/checks/tls-inspection.ts).
   */
  tlsStack?: TlsStack | null;
  /** Resource Timing entries for a URL, where the environment exposes them. */
  timingFor?: (url: string) => PerformanceResourceTiming | undefined;
  /**
   * Aborted when nobody waits for this check any more (the runner's time limit passed): the check closes its
   * sockets and peer connections and stops.
   */
  signal?: AbortSignal;
}

/** A lookup for environments where the browser reports nothing (web page, Node). */
export const NO_NET_ERRORS: NetErrorLookup = { errorFor: async () => undefined };
