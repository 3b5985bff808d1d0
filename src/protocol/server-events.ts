// Cross-replica notifications of the control plane (server.md §2.3): the
// JSON payloads sent with NOTIFY on channel `taskyard_events`. Every replica
// (the sender included) receives them over LISTEN. Payloads carry ids only —
// never tokens, prompts or other content — and stay under 8000 bytes.
import { z } from 'zod';

export const TASKYARD_EVENTS_CHANNEL = 'taskyard_events';
/** PostgreSQL's NOTIFY payload limit is 8000 bytes. */
export const MAX_EVENT_PAYLOAD_BYTES = 7999;

/** A provisioner job was queued: any replica may acquire it. */
export const jobQueuedEventSchema = z.object({
  kind: z.literal('job_queued'),
  job_id: z.guid(),
  workspace_id: z.guid().optional(),
});

/** A command for a workspace's agent; the replica holding its event stream delivers it. */
export const agentCommandEventSchema = z.object({
  kind: z.literal('agent_command'),
  workspace_id: z.guid(),
  agent_id: z.guid().optional(),
  build_id: z.guid().optional(),
  command: z.enum(['shutdown']),
  /** Time left of the stop grace period; the events endpoint derives it from the job when absent. */
  grace_period_ms: z.number().int().nonnegative().optional(),
});

/** Something visible in a task's JSON changed (task watch streams re-send it). */
export const taskUpdatedEventSchema = z.object({
  kind: z.literal('task_updated'),
  task_id: z.guid(),
  workspace_id: z.guid().optional(),
});

/** A workspace, its builds, agent or apps changed. */
export const workspaceUpdatedEventSchema = z.object({
  kind: z.literal('workspace_updated'),
  workspace_id: z.guid(),
  build_id: z.guid().optional(),
});

export const serverEventSchema = z.discriminatedUnion('kind', [
  jobQueuedEventSchema,
  agentCommandEventSchema,
  taskUpdatedEventSchema,
  workspaceUpdatedEventSchema,
]);
export type ServerEvent = z.infer<typeof serverEventSchema>;
export type ServerEventKind = ServerEvent['kind'];
