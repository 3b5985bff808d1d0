// Test support: a pino logger that keeps its JSON lines in memory, so tests
// can assert on warnings without parsing stderr.
import { pino, type Logger } from 'pino';

export interface CapturedLogger {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Lines whose `msg` equals `msg`. */
  withMsg(msg: string): Record<string, unknown>[];
}

export function captureLogger(): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines, withMsg: (msg) => lines.filter((l) => l.msg === msg) };
}
