// `GET /api/v2/workspaceagents/me/events` (server.md §5): the agent's SSE
// command channel. This module only authenticates and opens the stream; what
// flows over it (shutdown relays, pings, connection bookkeeping) is
// agents/command-channel.ts. Streams end when the client goes or the server
// shuts down (§1.2.2), never on their own.
import { streamSSE } from 'hono/streaming';
import { runCommandChannel } from '../agents/command-channel.js';
import { agentAuthentication } from '../agents/token-validity.js';
import type { ServerContext } from '../context.js';
import type { App } from './env.js';

export function registerAgentEventsRoutes(app: App, ctx: ServerContext): void {
  app.get('/api/v2/workspaceagents/me/events', agentAuthentication(ctx), (c) => {
    const agent = c.get('agent');
    return streamSSE(
      c,
      (stream) => runCommandChannel(ctx, agent, stream, { requestSignal: c.req.raw.signal }),
      async (err) => {
        ctx.logger.error({ err, agent_id: agent.agentId, workspace_id: agent.workspaceId }, 'agent command channel failed');
      },
    );
  });
}
