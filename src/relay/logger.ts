/**
 * JSON logs on stdout, one object per line, for the operator. The logger itself redacts nothing: each line
 * chooses its fields, and lines about a client name it by its salted hash (http/client-key.ts), not by its
 * address.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'svc-relay' }, timestamp: pino.stdTimeFunctions.isoTime });
}
