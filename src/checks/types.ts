/**
 * The one result shape every check returns. JSON-serialisable so it can cross extension messages, land in
 * storage, and be printed by the command line unchanged.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

/** The step of a connection that a failure is attributed to. */
export type FailedStep =
  | 'dns'
  | 'tcp'
  | 'tls'
  | 'http'
  | 'wss'
  | 'ice'
  | 'dtls'
  | 'media'
  | 'browser'
  | 'config';

export interface CheckResult<D = Record<string, unknown>> {
  /** Stable id, e.g. 'relay-https', 'https-target', 'relay-wss'. */
  id: string;
  /** Human label, e.g. "HTTPS to the relay". */
  title: string;
  status: CheckStatus;
  /** Machine reason code in kebab-case, e.g. 'connection-refused'; 'ok' on a pass. */
  reason: string;
  /** One line in plain words for the user, naming what failed and what to do next. */
  summary: string;
  /** Which step broke, when something broke. */
  step?: FailedStep;
  durationMs: number;
  /** Evidence: JSON-serialisable data (timings, TLS details, addresses). */
  data: D;
}
