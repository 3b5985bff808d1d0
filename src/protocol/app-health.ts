// App health states (agent.md §3.5.1) and the body of
// `POST /api/v2/workspaceagents/me/app-health` (server.md §5). One schema for
// the agent (producer) and the server (consumer); it holds no behaviour.
import { z } from 'zod';

export const appHealthSchema = z.enum(['initializing', 'healthy', 'unhealthy', 'disabled']);
export type AppHealth = z.infer<typeof appHealthSchema>;

/** Keyed by app id; the agent sends only the apps whose state changed (all of them after a reconnect). */
export const appHealthReportSchema = z.object({
  healths: z.record(z.string(), appHealthSchema),
});
export type AppHealthReport = z.infer<typeof appHealthReportSchema>;
