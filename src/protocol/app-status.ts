// The task app status a workspace reports (spec agent.md §4.2, §3.5.2):
// the body of `POST /api/v1/app-status` on the agent socket and of the
// agent's `POST .../app-status` to the control plane, which it forwards
// unchanged. One schema for every producer and consumer; it holds no
// behaviour and must never grow transport logic.
import { z } from 'zod';

export const appStatusStateSchema = z.enum(['working', 'idle', 'complete', 'failed', 'failure']);
export type AppStatusState = z.infer<typeof appStatusStateSchema>;

export const appStatusSchema = z.object({
  app_slug: z.string().min(1),
  state: appStatusStateSchema,
  message: z.string(),
  uri: z.string().optional(),
});
export type AppStatus = z.infer<typeof appStatusSchema>;
