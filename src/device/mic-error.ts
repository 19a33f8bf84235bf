/**
 * Why the microphone could not be used, from what getUserMedia or MediaRecorder threw: the browser names the
 * problem by the error's name (the message differs between browsers and languages, so it is not read).
 */

export type MicProblem =
  /** The user, the browser's settings or a policy refused the microphone. */
  | 'denied'
  /** No input device at all (nothing plugged in, or the system offers none). */
  | 'no-device'
  /** A device exists but could not be opened: another program holds it, or the system refuses. */
  | 'busy'
  /** The user did not answer the browser's question in time. */
  | 'timeout'
  /** This page has no microphone API (an old browser, or a page that is not a secure context). */
  | 'unsupported'
  /** The recording could not be made or played back. */
  | 'recording'
  | 'other';

/** Thrown by the device check's own steps when a step ran out of time or the browser lacks an API. */
export class MicError extends Error {
  readonly problem: MicProblem;
  constructor(problem: MicProblem, message: string) {
    super(message);
    this.name = 'MicError';
    this.problem = problem;
  }
}

const BY_NAME: Record<string, MicProblem> = {
  NotAllowedError: 'denied',
  // Chrome's name for a refusal before the spec settled; Firefox's for a page that may not ask.
  PermissionDeniedError: 'denied',
  SecurityError: 'denied',
  NotFoundError: 'no-device',
  DevicesNotFoundError: 'no-device',
  OverconstrainedError: 'no-device',
  NotReadableError: 'busy',
  TrackStartError: 'busy',
  AbortError: 'busy',
};

/** The problem behind an error thrown while opening or recording the microphone. */
export function micProblem(error: unknown): MicProblem {
  if (error instanceof MicError) return error.problem;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return (typeof name === 'string' && BY_NAME[name]) || 'other';
}

/** The error's own words, for the 'other' case only (bounded: it is shown on the page). */
export function errorDetail(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 200);
}
