// The Tasks API's JSON (server.md §6): the Task (§6.1), its derived status
// (§6.2), the request/response bodies of §6.3–§6.5 and the workspace build
// the resume endpoint returns (§4.4.1). One schema for the server's routes
// and the `taskyard task` CLI. Only zod here: no SQL, no HTTP, no behaviour,
// so the CLI can import it without loading server code.
import { z } from 'zod';

/** §6.3 task names: 1–32 chars, lowercase alphanumerics and inner dashes. */
export const TASK_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export const TASK_STATUSES = ['pending', 'initializing', 'active', 'paused', 'error', 'unknown'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** `current_state.state`: the task app's latest app-status report (§6.2). */
export const taskStateSchema = z.enum(['working', 'idle', 'complete', 'failed']);
export type TaskState = z.infer<typeof taskStateSchema>;

export const taskCurrentStateSchema = z.object({
  timestamp: z.string(),
  state: taskStateSchema,
  message: z.string(),
  uri: z.string(),
});
export type TaskCurrentState = z.infer<typeof taskCurrentStateSchema>;

/** Coder's WorkspaceAgentHealth: whether the agent's event stream is open (§4.5). */
export const agentHealthSchema = z.object({ healthy: z.boolean(), reason: z.string().optional() });
export type AgentHealth = z.infer<typeof agentHealthSchema>;

export const taskSchema = z.object({
  id: z.guid(),
  organization_id: z.guid(),
  owner_id: z.guid(),
  owner_name: z.string(),
  name: z.string(),
  display_name: z.string(),
  template_id: z.guid(),
  template_version_id: z.guid(),
  template_name: z.string(),
  template_display_name: z.string(),
  template_icon: z.string(),
  workspace_id: z.guid().nullable(),
  workspace_name: z.string().nullable(),
  workspace_status: z.string().nullable(),
  workspace_build_number: z.number().int().nullable(),
  workspace_agent_id: z.guid().nullable(),
  workspace_agent_lifecycle: z.string().nullable(),
  workspace_agent_health: agentHealthSchema.nullable(),
  workspace_app_id: z.guid().nullable(),
  initial_prompt: z.string(),
  status: taskStatusSchema,
  current_state: taskCurrentStateSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Task = z.infer<typeof taskSchema>;

export const taskListSchema = z.object({ tasks: z.array(taskSchema), count: z.number().int() });
export type TaskList = z.infer<typeof taskListSchema>;

const inputSchema = z.string().refine((s) => s.trim() !== '', { message: 'input must not be empty' });

/** `POST /api/v2/tasks/{user}`; "exactly one of template/template_version_id" is checked by the route. */
export const createTaskRequestSchema = z.object({
  template_version_id: z.guid().optional(),
  template: z.string().min(1).optional(),
  input: inputSchema,
  name: z.string().regex(TASK_NAME_PATTERN, { message: `name must match ${TASK_NAME_PATTERN.source}` }).optional(),
  display_name: z.string().max(128).optional(),
});
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

/** `POST …/send` and `PATCH …/input`. */
export const taskInputRequestSchema = z.object({ input: inputSchema });
export type TaskInputRequest = z.infer<typeof taskInputRequestSchema>;

export const taskLogEntrySchema = z.object({
  id: z.number().int(),
  content: z.string(),
  type: z.enum(['input', 'output']),
  time: z.string(),
});
export type TaskLogEntry = z.infer<typeof taskLogEntrySchema>;

/** §6.5: live logs have no `snapshot` key; `snapshot_at` only when a snapshot row exists. */
export const taskLogsSchema = z.object({
  logs: z.array(taskLogEntrySchema),
  snapshot: z.literal(true).optional(),
  snapshot_at: z.string().optional(),
});
export type TaskLogs = z.infer<typeof taskLogsSchema>;

export const BUILD_TRANSITIONS = ['start', 'stop', 'delete'] as const;
export type BuildTransition = (typeof BUILD_TRANSITIONS)[number];
export const BUILD_REASONS = ['initiator', 'task_manual_pause', 'task_auto_pause', 'task_resume'] as const;
export type BuildReason = (typeof BUILD_REASONS)[number];
export const JOB_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** §4.4.1 Build. */
export const workspaceBuildSchema = z.object({
  id: z.guid(),
  workspace_id: z.guid(),
  build_number: z.number().int(),
  transition: z.enum(BUILD_TRANSITIONS),
  reason: z.enum(BUILD_REASONS),
  template_version_id: z.guid(),
  job: z.object({
    id: z.guid(),
    status: z.enum(JOB_STATUSES),
    error: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  }),
  status: z.string(),
  created_at: z.string(),
});
export type WorkspaceBuild = z.infer<typeof workspaceBuildSchema>;

/** `POST /api/experimental/tasks/{user}/{task}/pause` → 202. */
export const pauseTaskResponseSchema = z.object({ workspace_build_id: z.guid() });
export type PauseTaskResponse = z.infer<typeof pauseTaskResponseSchema>;

/** `POST /api/experimental/tasks/{user}/{task}/resume` → 202. */
export const resumeTaskResponseSchema = z.object({ workspace_build: workspaceBuildSchema });
export type ResumeTaskResponse = z.infer<typeof resumeTaskResponseSchema>;

/** The SSE event name of `GET …/watch`; its data is the Task JSON. */
export const TASK_WATCH_EVENT = 'task';
