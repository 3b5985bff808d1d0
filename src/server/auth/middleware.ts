// Request authentication for route modules (server.md §3.2, §3.5).
// requireUser: session token from `Coder-Session-Token`, `Authorization:
// Bearer` or the `coder_session_token` cookie → `c.get('user')`, else 401
// with the spec's texts. requireAgent: the hook for agent-token routes — the
// validity rule (§3.6) is supplied by the agent API module. Neither ever
// logs or echoes a presented token.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_TOKEN_COOKIE, SESSION_TOKEN_HEADER } from '../../protocol/users.js';
import type { AppEnv } from '../api/env.js';
import { HttpError, MESSAGES } from '../api/errors.js';
import type { ServerContext } from '../context.js';
import { AuthError } from './errors.js';
import { hashAgentToken } from './tokens.js';

/** The agent a valid agent token belongs to (set as `c.get('agent')`). */
export interface AuthenticatedAgent {
  agentId: string;
  workspaceId: string;
  buildId: string;
}

/**
 * Decides whether an agent token (given as its SHA-256, see hashAgentToken)
 * is valid right now (§3.6) and whose it is; undefined → 401. Compare stored
 * hashes with hashesEqual() from tokens.ts.
 */
export type AgentTokenValidator = (tokenHash: Buffer) => Promise<AuthenticatedAgent | undefined>;

/** The presented token, by precedence: Coder-Session-Token, Authorization Bearer, cookie. */
export function extractSessionToken(c: Context): string | undefined {
  const header = c.req.header(SESSION_TOKEN_HEADER)?.trim();
  if (header) return header;
  const authorization = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '');
  if (authorization) return authorization[1];
  const cookie = getCookie(c, SESSION_TOKEN_COOKIE)?.trim();
  return cookie || undefined;
}

export function requireUser(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('user', await ctx.auth.authenticate(extractSessionToken(c)));
    await next();
  };
}

/** For routes only owners may use (after requireUser): members get 403. */
export function requireOwner(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('user').role !== 'owner') throw new HttpError(403, MESSAGES.forbidden);
    await next();
  };
}

/** Agent-token authentication; every failure is 401 `Workspace agent not authorized.`. */
export function requireAgent(validate: AgentTokenValidator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = extractSessionToken(c);
    const agent = token === undefined ? undefined : await validate(hashAgentToken(token));
    if (!agent) throw new AuthError('agent_not_authorized');
    c.set('agent', agent);
    await next();
  };
}
