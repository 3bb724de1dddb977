import pino, { type Logger } from 'pino';
import { LOG_REDACT_PATHS } from './core/mask.js';

/** Structured JSON logs; secret-named fields and auth headers are redacted at every depth we log. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: LOG_REDACT_PATHS, censor: '***' } }, destination);
}
