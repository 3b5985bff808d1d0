// Script output on its way to `POST .../logs` (agent.md §3.2.5): lines are
// queued per log source and flushed every 250 ms, or as soon as a source has
// 100 lines or 64 KiB queued; one request carries at most 1000 lines and
// 1 MiB of body, and requests of one source never overlap, so lines arrive
// in order. A 413 (the agent's total log limit) stops all log sending for
// good. It owns its timers and must be closed; `send` never blocks and never
// throws at the script runner — lines that cannot be delivered are counted
// and logged, not propagated.
import type { Logger } from 'pino';
import { MAX_LOG_BYTES_PER_BATCH, MAX_LOG_LINES_PER_BATCH, type LogBatch, type LogEntry } from '../../protocol/agent-reports.js';
import type { LogSink } from '../scripts/index.js';
import { errorText, isControlPlaneError } from './errors.js';

export interface LogBatchLimits {
  /** A source's queue is flushed at the latest this long after its first queued line. */
  flushIntervalMs: number;
  /** Flush a source right away once this many lines are queued. */
  flushLines: number;
  /** Flush a source right away once this many bytes are queued. */
  flushBytes: number;
  /** At most this many lines per request (the server answers 400 above it). */
  maxLinesPerRequest: number;
  /** At most this many bytes of JSON body per request (the server answers 400 above it). */
  maxBytesPerRequest: number;
  /** Queued bytes of all sources beyond which new lines are dropped (the server keeps 16 MiB per agent anyway). */
  maxQueuedBytes: number;
}

export const DEFAULT_LOG_BATCH_LIMITS: LogBatchLimits = {
  flushIntervalMs: 250,
  flushLines: 100,
  flushBytes: 64 * 1024,
  maxLinesPerRequest: MAX_LOG_LINES_PER_BATCH,
  maxBytesPerRequest: MAX_LOG_BYTES_PER_BATCH,
  maxQueuedBytes: 16 * 1024 * 1024,
};

export interface LogBatcherOptions {
  /** Delivers one batch (retrying as the control plane client does); REQUEST_REJECTED with status 413 stops logging. */
  post: (batch: LogBatch, signal: AbortSignal) => Promise<void>;
  logger: Logger;
  limits?: Partial<LogBatchLimits>;
}

interface QueuedEntry {
  entry: LogEntry;
  /** Its share of the request body: the JSON of the entry plus a separating comma. */
  bytes: number;
}

interface SourceQueue {
  entries: QueuedEntry[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
  /** The running send loop of this source, if any. */
  sending: Promise<void> | undefined;
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** `{"log_source_id":"…","logs":[]}` around the entries. */
const envelopeBytes = (logSourceId: string): number => jsonBytes({ log_source_id: logSourceId, logs: [] });

export class LogBatcher implements LogSink {
  private readonly limits: LogBatchLimits;
  private readonly sources = new Map<string, SourceQueue>();
  private readonly abort = new AbortController();
  private queuedBytes = 0;
  /** Set by a 413: nothing is sent any more. */
  private stopped = false;
  private closed = false;
  private overflowing = false;
  private dropped = 0;

  constructor(private readonly options: LogBatcherOptions) {
    this.limits = { ...DEFAULT_LOG_BATCH_LIMITS, ...options.limits };
  }

  send(logSourceId: string, entry: LogEntry): void {
    if (this.stopped || this.closed) return;
    const fitted = this.fitIntoOneRequest(logSourceId, entry);
    const bytes = jsonBytes(fitted) + 1;
    if (this.queuedBytes + bytes > this.limits.maxQueuedBytes) {
      this.dropped++;
      if (!this.overflowing) {
        this.overflowing = true;
        this.options.logger.warn({ queued_bytes: this.queuedBytes }, 'log queue full; dropping script output until it drains');
      }
      return;
    }
    this.overflowing = false;
    let queue = this.sources.get(logSourceId);
    if (!queue) {
      queue = { entries: [], bytes: 0, timer: undefined, sending: undefined };
      this.sources.set(logSourceId, queue);
    }
    queue.entries.push({ entry: fitted, bytes });
    queue.bytes += bytes;
    this.queuedBytes += bytes;
    if (this.isFull(queue)) this.flush(logSourceId, queue);
    else queue.timer ??= setTimeout(() => this.flush(logSourceId, queue), this.limits.flushIntervalMs);
  }

  /**
   * Sends everything queued, waiting at most `timeoutMs`; what is still
   * unsent then is dropped (and counted in a warning). Later lines are ignored.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, queue] of this.sources) this.flush(id, queue);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.allSent(), timedOut]);
    clearTimeout(timer);
    this.abort.abort(new Error('log flush time limit reached'));
    await this.allSent();
    for (const queue of this.sources.values()) this.discard(queue);
    if (this.dropped > 0) this.options.logger.warn({ lines: this.dropped }, 'script output lines were not delivered');
  }

  private async allSent(): Promise<void> {
    for (;;) {
      const running = [...this.sources.values()].flatMap((q) => (q.sending ? [q.sending] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  private isFull(queue: SourceQueue): boolean {
    return queue.entries.length >= this.limits.flushLines || queue.bytes >= this.limits.flushBytes;
  }

  private flush(logSourceId: string, queue: SourceQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.sending ??= this.sendLoop(logSourceId, queue).finally(() => {
      queue.sending = undefined;
      // Lines that came in during the last request wait for their own trigger.
      if (queue.entries.length > 0 && !this.stopped && !this.abort.signal.aborted) {
        if (this.closed || this.isFull(queue)) this.flush(logSourceId, queue);
        else queue.timer ??= setTimeout(() => this.flush(logSourceId, queue), this.limits.flushIntervalMs);
      }
    });
  }

  /** Sends what is queued now, request by request, in order. */
  private async sendLoop(logSourceId: string, queue: SourceQueue): Promise<void> {
    let remaining = queue.entries.length;
    while (remaining > 0 && !this.stopped && !this.abort.signal.aborted) {
      const batch = this.takeBatch(logSourceId, queue, remaining);
      remaining -= batch.logs.length;
      try {
        await this.options.post(batch, this.abort.signal);
      } catch (err) {
        if (isControlPlaneError(err, 'REQUEST_REJECTED') && err.status === 413) {
          this.stopAll(err.message);
          return;
        }
        this.dropped += batch.logs.length;
        if (!this.abort.signal.aborted && !isControlPlaneError(err, 'TOKEN_REJECTED') && !isControlPlaneError(err, 'CLOSED')) {
          this.options.logger.warn({ log_source_id: logSourceId, lines: batch.logs.length, error: errorText(err) }, 'failed to send script output');
        }
      }
    }
  }

  /** Cuts the next request off the head of the queue: ≤ max lines, ≤ max body bytes, ≤ `upTo` lines. */
  private takeBatch(logSourceId: string, queue: SourceQueue, upTo: number): LogBatch {
    let bytes = envelopeBytes(logSourceId) - 1; // the last entry has no comma
    let count = 0;
    const limit = Math.min(upTo, this.limits.maxLinesPerRequest);
    while (count < limit) {
      const next = queue.entries[count]!;
      if (count > 0 && bytes + next.bytes > this.limits.maxBytesPerRequest) break;
      bytes += next.bytes;
      count++;
    }
    const taken = queue.entries.splice(0, count);
    const takenBytes = taken.reduce((sum, q) => sum + q.bytes, 0);
    queue.bytes -= takenBytes;
    this.queuedBytes -= takenBytes;
    return { log_source_id: logSourceId, logs: taken.map((q) => q.entry) };
  }

  /** Truncates an entry whose output alone would exceed one request's byte limit. */
  private fitIntoOneRequest(logSourceId: string, entry: LogEntry): LogEntry {
    const budget = this.limits.maxBytesPerRequest - envelopeBytes(logSourceId);
    if (jsonBytes(entry) <= budget) return entry;
    let output = entry.output;
    for (let size = jsonBytes(entry); size > budget && output.length > 0; size = jsonBytes({ ...entry, output })) {
      // Cut in proportion to the excess (every character costs at least one byte, so this converges).
      const excess = size - budget;
      output = output.slice(0, Math.max(0, output.length - Math.max(1, Math.ceil((excess * output.length) / size))));
      // Never leave half a surrogate pair.
      if (/[\uD800-\uDBFF]$/.test(output)) output = output.slice(0, -1);
    }
    return { ...entry, output };
  }

  private stopAll(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.logger.warn({ error: reason }, 'control plane log limit exceeded; no more script output will be sent');
    for (const queue of this.sources.values()) this.discard(queue);
  }

  private discard(queue: SourceQueue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    this.dropped += queue.entries.length;
    this.queuedBytes -= queue.bytes;
    queue.entries = [];
    queue.bytes = 0;
  }
}
