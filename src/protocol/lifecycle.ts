// Workspace agent lifecycle states (agent.md §3.3) and the report body of
// `POST /api/v2/workspaceagents/me/lifecycle`. Shared by agent and server.
import { z } from 'zod';

export const lifecycleStateSchema = z.enum([
  'created',
  'starting',
  'start_timeout',
  'start_error',
  'ready',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
]);
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;

export const lifecycleReportSchema = z.object({
  state: lifecycleStateSchema,
  changed_at: z.iso.datetime({ offset: true }),
});
export type LifecycleReport = z.infer<typeof lifecycleReportSchema>;
