// The agent's reports and its manifest under `/api/v2/workspaceagents/me/`
// (server.md §5): manifest, lifecycle, script-timings, logs, app-health,
// app-status, units. Every body is validated with the very schemas the agent
// sends with (src/protocol/); the command channel and the log snapshot live
// in agent-events-routes.ts and agent-snapshot-routes.ts. Handlers never log
// bodies (script output, prompts) or tokens.
import type { z } from 'zod';
import { logBatchSchema, MAX_LOG_BYTES_PER_BATCH, MAX_LOG_LINES_PER_BATCH, scriptTimingSchema } from '../../protocol/agent-reports.js';
import { appHealthReportSchema } from '../../protocol/app-health.js';
import { appStatusSchema } from '../../protocol/app-status.js';
import { lifecycleReportSchema } from '../../protocol/lifecycle.js';
import { unitsReportSchema } from '../../protocol/units-report.js';
import { BodyLimitError, decodeUtf8, readBodyCapped } from '../agents/body.js';
import { AgentApiError } from '../agents/errors.js';
import { buildManifest } from '../agents/manifest.js';
import { notifyAgentChanged } from '../agents/notify.js';
import * as reports from '../agents/reports-store.js';
import { agentAuthentication } from '../agents/token-validity.js';
import type { ServerContext } from '../context.js';
import type { App } from './env.js';
import { HttpError, MESSAGES, notFound, readJson, zodValidations } from './errors.js';

const ME = '/api/v2/workspaceagents/me';
/** §5 app-status: at most 160 characters (code points, as PostgreSQL counts them). */
export const MAX_STATUS_MESSAGE_CHARS = 160;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerAgentApiRoutes(app: App, ctx: ServerContext): void {
  const agentAuth = agentAuthentication(ctx);

  app.get(`${ME}/manifest`, agentAuth, async (c) => {
    const agent = c.get('agent');
    try {
      const manifest = await buildManifest(ctx.sql, agent.agentId);
      if (!manifest) throw notFound();
      return c.json(manifest);
    } catch (err) {
      if (err instanceof AgentApiError) ctx.logger.error({ agent_id: agent.agentId, detail: err.detail }, 'stored agent rows make an invalid manifest');
      throw err;
    }
  });

  app.post(`${ME}/lifecycle`, agentAuth, async (c) => {
    const agent = c.get('agent');
    const report = await readJson(c, lifecycleReportSchema);
    if (await reports.recordLifecycle(ctx.sql, agent.agentId, report)) {
      ctx.logger.info({ agent_id: agent.agentId, workspace_id: agent.workspaceId, build_id: agent.buildId, state: report.state }, 'agent lifecycle changed');
      await notifyAgentChanged(ctx, agent);
    }
    return c.body(null, 204);
  });

  app.post(`${ME}/script-timings`, agentAuth, async (c) => {
    const agent = c.get('agent');
    const timing = await readJson(c, scriptTimingSchema);
    if (!(await reports.recordScriptTiming(ctx.sql, agent.agentId, timing))) {
      throw new AgentApiError('unknownScript', `script ${timing.script_id} is not a script of this agent`);
    }
    return c.body(null, 204);
  });

  app.post(`${ME}/logs`, agentAuth, async (c) => {
    const agent = c.get('agent');
    let raw: Uint8Array;
    try {
      raw = await readBodyCapped(c.req.raw, MAX_LOG_BYTES_PER_BATCH);
    } catch (err) {
      if (err instanceof BodyLimitError) throw new AgentApiError('tooManyLogBytes', `at most ${MAX_LOG_BYTES_PER_BATCH} bytes per request`);
      throw err;
    }
    const batch = parseJsonBody(raw, logBatchSchema, (value) => {
      const logs = (value as { logs?: unknown } | null)?.logs;
      if (Array.isArray(logs) && logs.length > MAX_LOG_LINES_PER_BATCH) {
        throw new AgentApiError('tooManyLogLines', `at most ${MAX_LOG_LINES_PER_BATCH} lines per request`);
      }
    });
    const result = await reports.appendLogs(ctx.sql, agent.agentId, batch);
    if (result === 'unknown_source') throw new AgentApiError('unknownLogSource', `log source ${batch.log_source_id} is not a log source of this agent`);
    if (result === 'limit_exceeded') {
      ctx.logger.warn({ agent_id: agent.agentId, workspace_id: agent.workspaceId }, 'agent log limit exceeded');
      throw new AgentApiError('logsLimitExceeded');
    }
    return c.body(null, 204);
  });

  app.post(`${ME}/app-health`, agentAuth, async (c) => {
    const agent = c.get('agent');
    const { healths } = await readJson(c, appHealthReportSchema);
    const ids = Object.keys(healths);
    const malformed = ids.filter((id) => !GUID.test(id));
    const unknown = malformed.length > 0 ? malformed : await reports.unknownAppIds(ctx.sql, agent.agentId, ids);
    if (unknown.length > 0) throw new AgentApiError('unknownApp', `not an app of this agent: ${unknown.join(', ')}`);
    if ((await reports.recordAppHealth(ctx.sql, agent.agentId, healths)) > 0) await notifyAgentChanged(ctx, agent);
    return c.body(null, 204);
  });

  app.post(`${ME}/app-status`, agentAuth, async (c) => {
    const agent = c.get('agent');
    const status = await readJson(c, appStatusSchema);
    if ([...status.message].length > MAX_STATUS_MESSAGE_CHARS) {
      throw new AgentApiError('statusMessageTooLong', `message must be at most ${MAX_STATUS_MESSAGE_CHARS} characters`);
    }
    const result = await reports.recordAppStatus(ctx.sql, agent, {
      appSlug: status.app_slug,
      state: status.state === 'failure' ? 'failed' : status.state,
      message: status.message,
      uri: status.uri ?? '',
    });
    if (result.kind === 'unknown_app') throw new AgentApiError('unknownApp', `no app with slug "${status.app_slug}" on this agent`);
    if (result.changed) await notifyAgentChanged(ctx, agent, result.taskId);
    return c.body(null, 204);
  });

  app.post(`${ME}/units`, agentAuth, async (c) => {
    const agent = c.get('agent');
    await reports.recordUnits(ctx.sql, agent.agentId, await readJson(c, unitsReportSchema));
    return c.body(null, 204);
  });
}

/**
 * JSON of an already read body, checked by `precheck` (limits that deserve
 * their own text) and then the schema, with readJson()'s texts.
 */
function parseJsonBody<S extends z.ZodType>(raw: Uint8Array, schema: S, precheck: (value: unknown) => void): z.infer<S> {
  const text = decodeUtf8(raw);
  let value: unknown;
  try {
    if (text === undefined) throw new Error('body is not valid UTF-8');
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, MESSAGES.invalidJson, err instanceof Error ? err.message : undefined);
  }
  precheck(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, MESSAGES.validationFailed, undefined, zodValidations(parsed.error));
  return parsed.data;
}
