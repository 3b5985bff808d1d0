// The server's structured logger (server.md §9.1): one JSON object per line
// on stderr with `time`, `level` (debug|info|warn|error) and `msg`. Known
// secret-bearing keys are censored as a safety net; callers must still never
// pass tokens or database passwords to it.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Keys whose values are replaced by `[REDACTED]` wherever pino finds them (top level and one level down). */
const SECRET_KEYS = ['token', 'session_token', 'password', 'authorization', 'cookie'];

export function createServerLogger(level: LogLevel, destination: DestinationStream = pino.destination({ fd: 2, sync: true })): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: '[REDACTED]' },
    },
    destination,
  );
}
