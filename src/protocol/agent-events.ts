// The control plane's command channel to the agent, `GET
// /api/v2/workspaceagents/me/events` (agent.md §3.2.3, server.md §5): event
// names and their data. Shared by the server (producer) and the agent
// (consumer); it holds no behaviour and must never grow transport logic.
import { z } from 'zod';

export const SHUTDOWN_EVENT = 'shutdown';

/** `event: shutdown` — start the stop sequence; the server enforces the grace period. */
export const shutdownEventSchema = z.object({
  build_id: z.guid(),
  grace_period_ms: z.number().int().nonnegative(),
});
export type ShutdownEvent = z.infer<typeof shutdownEventSchema>;
