// Agent-token authentication (server.md §3.5, §3.6): finds the agent whose
// stored SHA-256 matches the presented token (confirmed with a constant-time
// comparison) and applies the validity rule, so stop scripts keep API access
// while the stop build that follows their start build runs, and lose it the
// moment that build finished. It never logs, stores or returns a token.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../api/env.js';
import { requireAgent, type AgentTokenValidator, type AuthenticatedAgent } from '../auth/middleware.js';
import { hashesEqual, sha256 } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import type { Queryable } from '../db/storage.js';

type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled';
type Transition = 'start' | 'stop' | 'delete';

/** The agent's start build B and the workspace's latest build L, as the rule needs them. */
export interface TokenBuilds {
  build: { id: string; buildNumber: number; jobStatus: JobStatus; templateVersionId: string };
  latest: { id: string; buildNumber: number; transition: Transition; jobStatus: JobStatus; templateVersionId: string };
}

/**
 * §3.6: valid iff (a) B is the latest build (any job status), or (b) B's job
 * succeeded and L is a `stop` build numbered B+1 whose job is pending or
 * running, on the same template version.
 */
export function agentTokenIsValid({ build, latest }: TokenBuilds): boolean {
  if (latest.id === build.id) return true;
  return (
    build.jobStatus === 'succeeded' &&
    latest.transition === 'stop' &&
    latest.buildNumber === build.buildNumber + 1 &&
    (latest.jobStatus === 'pending' || latest.jobStatus === 'running') &&
    latest.templateVersionId === build.templateVersionId
  );
}

interface TokenRow {
  agent_id: string;
  workspace_id: string;
  build_id: string;
  token_hash: Buffer;
  build_number: number;
  job_status: JobStatus;
  template_version_id: string;
  latest_id: string;
  latest_number: number;
  latest_transition: Transition;
  latest_job_status: JobStatus;
  latest_template_version_id: string;
}

/** Compared against when no agent has the hash, so both paths do the same work. */
const NO_SUCH_AGENT_HASH = sha256('taskyard: no such agent');

/** The §3.6 validator for requireAgent(): one query per request, no caching (validity changes with builds). */
export function createAgentTokenValidator(sql: Queryable): AgentTokenValidator {
  return async (tokenHash: Buffer): Promise<AuthenticatedAgent | undefined> => {
    const rows = await sql<TokenRow[]>`
      select a.id as agent_id, a.workspace_id, a.build_id, a.token_hash,
             b.build_number, bj.status as job_status, b.template_version_id,
             l.id as latest_id, l.build_number as latest_number, l.transition as latest_transition,
             lj.status as latest_job_status, l.template_version_id as latest_template_version_id
      from agents a
      join builds b on b.id = a.build_id
      join provisioner_jobs bj on bj.id = b.job_id
      join lateral (
        select id, build_number, transition, job_id, template_version_id from builds
        where workspace_id = b.workspace_id order by build_number desc limit 1
      ) l on true
      join provisioner_jobs lj on lj.id = l.job_id
      where a.token_hash = ${tokenHash}`;
    const row = rows[0];
    const matches = hashesEqual(tokenHash, row?.token_hash ?? NO_SUCH_AGENT_HASH);
    if (!row || !matches) return undefined;
    const valid = agentTokenIsValid({
      build: { id: row.build_id, buildNumber: row.build_number, jobStatus: row.job_status, templateVersionId: row.template_version_id },
      latest: {
        id: row.latest_id,
        buildNumber: row.latest_number,
        transition: row.latest_transition,
        jobStatus: row.latest_job_status,
        templateVersionId: row.latest_template_version_id,
      },
    });
    return valid ? { agentId: row.agent_id, workspaceId: row.workspace_id, buildId: row.build_id } : undefined;
  };
}

/** requireAgent() with the §3.6 rule: the middleware every `/workspaceagents/me/` route uses. */
export function agentAuthentication(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return requireAgent(createAgentTokenValidator(ctx.sql));
}
