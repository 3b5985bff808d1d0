// The AgentAPI event the workspace agent consumes from a task app's
// `GET /events` stream (agentapi.md §3.9.3): `status_change`. The agent and
// agentapi meet only through this schema; it holds no behaviour.
import { z } from 'zod';

export const STATUS_CHANGE_EVENT = 'status_change';

/** `running` while the agent works, `stable` when it waits for input; other values are passed through. */
export const statusChangeEventSchema = z.object({
  status: z.string(),
  agent_type: z.string(),
});
export type StatusChangeEvent = z.infer<typeof statusChangeEventSchema>;
