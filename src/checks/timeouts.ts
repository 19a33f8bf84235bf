/**
 * Per-step time limits. Every network step has one, so no check can hang: a relay killed mid-run shows up as
 * a failure within these bounds.
 */
export const TIMEOUTS = {
  /** HTTPS request, connect to response headers. */
  httpsMs: 5000,
  /** WSS handshake until the relay's hello arrives. */
  wssOpenMs: 4000,
  /** One WSS ping round trip. */
  wssPingMs: 2000,
  /** How long to wait for the browser's own error report after a request fails. */
  netErrorWaitMs: 400,
  /** Whole-check guard used by the runner on top of the steps' own limits. */
  checkMs: 20_000,
} as const;

export const WSS_PINGS = 5;
