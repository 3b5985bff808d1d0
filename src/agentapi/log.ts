// The JSON-lines logger of the agentapi bin: one object per line on stdout
// with `time`, `level`, `msg`. `--print-openapi` must log nothing, so callers
// create it only after that early exit.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(destination: NodeJS.WritableStream = process.stdout, level = 'info'): Logger {
  return pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that drops everything; for unit tests and quiet sub-commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
