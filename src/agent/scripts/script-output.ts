// Where a run's output goes (agent.md §2.4.4): the raw bytes to the script's
// log file, and each line to the log sink — stdout at level `info`, stderr at
// `error` — tagged with the log source, a trailing `\r` stripped, a final
// partial line flushed at the end. It must never throw into the process
// plumbing: a full disk or a failing sink costs output, never the script.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { LogLevel } from '../../protocol/agent-reports.js';
import type { Clock, LogSink } from './collaborators.js';
import { errorText } from './errors.js';

export type OutputStream = 'stdout' | 'stderr';

const LEVELS: Readonly<Record<OutputStream, LogLevel>> = { stdout: 'info', stderr: 'error' };
const NEWLINE = 0x0a;
/** A line longer than this is sent in pieces, so a newline-less stream cannot grow memory without bound. */
const MAX_LINE_BYTES = 256 * 1024;

/** Opens the log file for a run: create + truncate, mode 0600 (agent.md §2.4.1). */
export function openLogFile(path: string): number {
  return openSync(path, 'w', 0o600);
}

export interface ScriptOutputOptions {
  /** An fd from openLogFile; owned (closed) by this object. Absent → sink only. */
  logFd?: number | undefined;
  sink: LogSink;
  logSourceId: string;
  clock: Clock;
  logger: Logger;
}

export class ScriptOutput {
  private logFd: number | undefined;
  private readonly partial: Record<OutputStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  private ended = false;

  constructor(private readonly options: ScriptOutputOptions) {
    this.logFd = options.logFd;
  }

  /** A chunk as the process wrote it. */
  write(stream: OutputStream, chunk: Buffer): void {
    if (this.ended) return;
    this.writeFile(chunk);
    let pending = this.partial[stream].length === 0 ? chunk : Buffer.concat([this.partial[stream], chunk]);
    for (let newline = pending.indexOf(NEWLINE); newline !== -1; newline = pending.indexOf(NEWLINE)) {
      this.sendLine(stream, pending.subarray(0, newline));
      pending = pending.subarray(newline + 1);
    }
    while (pending.length > MAX_LINE_BYTES) {
      this.sendLine(stream, pending.subarray(0, MAX_LINE_BYTES));
      pending = pending.subarray(MAX_LINE_BYTES);
    }
    // Copy so the retained tail does not pin the whole chunk.
    this.partial[stream] = Buffer.from(pending);
  }

  /** A whole line the runner writes on the script's behalf (e.g. the pipes WARNING). */
  writeLine(stream: OutputStream, text: string): void {
    this.write(stream, Buffer.from(`${text}\n`));
  }

  /** Flushes partial lines and closes the log file. Idempotent. */
  end(): void {
    if (this.ended) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream].length > 0) this.sendLine(stream, this.partial[stream]);
      this.partial[stream] = Buffer.alloc(0);
    }
    this.ended = true;
    if (this.logFd !== undefined) {
      try {
        closeSync(this.logFd);
      } catch (err) {
        this.options.logger.warn({ error: errorText(err) }, 'closing script log file');
      }
      this.logFd = undefined;
    }
  }

  private writeFile(chunk: Buffer): void {
    if (this.logFd === undefined) return;
    try {
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(this.logFd, chunk, offset);
    } catch (err) {
      // Keep streaming to the sink; stop writing a file that fails (ENOSPC, EIO).
      this.options.logger.warn({ error: errorText(err) }, 'writing script log file failed; file output stopped');
      try {
        closeSync(this.logFd);
      } catch {
        // Already reported the write failure.
      }
      this.logFd = undefined;
    }
  }

  private sendLine(stream: OutputStream, bytes: Buffer): void {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    const output = bytes.toString('utf8', 0, end);
    try {
      this.options.sink.send(this.options.logSourceId, {
        created_at: this.options.clock.now().toISOString(),
        output,
        level: LEVELS[stream],
      });
    } catch (err) {
      this.options.logger.warn({ error: errorText(err) }, 'sending script output failed');
    }
  }
}

/** A line for the script's log stream only (not its file), e.g. dependency waits before a run. */
export function sendStreamLine(sink: LogSink, logSourceId: string, clock: Clock, output: string, level: LogLevel = 'info'): void {
  try {
    sink.send(logSourceId, { created_at: clock.now().toISOString(), output, level });
  } catch {
    // A failing sink costs this line, never the script (LogSink contract).
  }
}
