// Test support for the script runner's tests: recording collaborators (log
// sink, timing reporter, logger), script records, temp dirs and process
// liveness probes. Lives under testdata/ so it never ships in dist/; it must
// never fake our own components (the unit manager is always the real one).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { logEntrySchema, scriptTimingSchema, type LogEntry, type ScriptTiming } from '../../../protocol/agent-reports.js';
import { scriptRecordSchema, type ScriptRecord } from '../../../protocol/manifest.js';
import type { LogSink, TimingReporter } from '../collaborators.js';
import type { WorkspaceIdentity } from '../environment.js';

export interface SentLine extends LogEntry {
  logSourceId: string;
}

/** Records every line; lines that break the wire schema land in `invalid`. */
export class RecordingSink implements LogSink {
  readonly sent: SentLine[] = [];
  readonly invalid: unknown[] = [];
  send(logSourceId: string, entry: LogEntry): void {
    if (!logEntrySchema.safeParse(entry).success) this.invalid.push(entry);
    this.sent.push({ logSourceId, ...entry });
  }
  outputs(logSourceId: string): string[] {
    return this.sent.filter((line) => line.logSourceId === logSourceId).map((line) => line.output);
  }
}

/** Records timings; one that breaks the wire schema lands in `invalid` instead. */
export class RecordingReporter implements TimingReporter {
  readonly timings: ScriptTiming[] = [];
  readonly invalid: unknown[] = [];
  /** Number of upcoming calls that reject. */
  failNext = 0;
  calls = 0;
  async report(timing: ScriptTiming): Promise<void> {
    this.calls++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('control plane unavailable');
    }
    if (scriptTimingSchema.safeParse(timing).success) this.timings.push(timing);
    else this.invalid.push(timing);
  }
}

export interface LogRecord {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in `records`. */
export function recordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = pino(
    { level: 'debug', base: undefined, formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) },
  );
  return { logger, records };
}

export function script(fields: Partial<ScriptRecord> & { script: string }): ScriptRecord {
  return scriptRecordSchema.parse({ id: randomUUID(), log_source_id: randomUUID(), ...fields });
}

export const identity: WorkspaceIdentity = {
  agentUrl: 'http://127.0.0.1:9/',
  agentToken: 'agent-token-123',
  workspaceId: '11111111-1111-4111-8111-111111111111',
  workspaceName: 'dev',
  ownerName: 'alice',
  agentName: 'main',
  socketPath: '/tmp/taskyard-test.sock',
};

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Alive = exists and is not a zombie (PID 1 of a container may never reap orphans). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Kills a leftover process group, ignoring one that is gone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
