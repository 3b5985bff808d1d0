// The Hono environment of the API: per-request variables set by middleware
// (request id, authenticated user or agent). Route modules type their
// handlers with AppEnv; nothing here holds behaviour.
import type { Hono } from 'hono';
import type { User } from '../../protocol/users.js';
import type { AuthenticatedAgent } from '../auth/middleware.js';

export interface AppVariables {
  /** Set by the request-log middleware for every request. */
  requestId: string;
  /** Set by requireUser (auth/middleware.ts) on user-authenticated routes. */
  user: User;
  /** Set by requireAgent (auth/middleware.ts) on agent-authenticated routes. */
  agent: AuthenticatedAgent;
}

export interface AppEnv {
  Variables: AppVariables;
}

export type App = Hono<AppEnv>;
