// Bodies the workspace agent POSTs to the control plane about its scripts
// (spec agent.md §2.4.8, §3.2.5; server.md §5): one script timing per run and
// batches of script output lines. One schema for the agent (producer) and the
// server (consumer); it holds no behaviour and must never grow transport logic.
import { z } from 'zod';

/** `ALL` executions report `START` (agent.md §2.4.8), so only three stages go over the wire. */
export const timingStageSchema = z.enum(['START', 'STOP', 'CRON']);
export type TimingStage = z.infer<typeof timingStageSchema>;

export const timingStatusSchema = z.enum(['ok', 'exit_failure', 'timed_out', 'pipes_left_open']);
export type TimingStatus = z.infer<typeof timingStatusSchema>;

/** `POST /api/v2/workspaceagents/me/script-timings`. `start`/`end` are RFC 3339 timestamps. */
export const scriptTimingSchema = z.object({
  script_id: z.guid(),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  exit_code: z.number().int(),
  stage: timingStageSchema,
  status: timingStatusSchema,
});
export type ScriptTiming = z.infer<typeof scriptTimingSchema>;

export const logLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof logLevelSchema>;

/** One line of script output (or a line the runner writes on the script's behalf). */
export const logEntrySchema = z.object({
  created_at: z.iso.datetime({ offset: true }),
  output: z.string(),
  level: logLevelSchema,
});
export type LogEntry = z.infer<typeof logEntrySchema>;

/** Per-request caps of `POST .../logs` (server.md §5): more is a 400. */
export const MAX_LOG_LINES_PER_BATCH = 1000;
export const MAX_LOG_BYTES_PER_BATCH = 1024 * 1024;

/** `POST /api/v2/workspaceagents/me/logs`: one batch per log source. */
export const logBatchSchema = z.object({
  log_source_id: z.guid(),
  logs: z.array(logEntrySchema).max(MAX_LOG_LINES_PER_BATCH),
});
export type LogBatch = z.infer<typeof logBatchSchema>;
