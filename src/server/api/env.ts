// The Hono environment of the API: per-request variables set by middleware
// (request id, authenticated user or agent). Route modules type their
// handlers with AppEnv; nothing here holds behaviour.
import type { Hono } from 'hono';

export interface AppVariables {
  /** Set by the request-log middleware for every request. */
  requestId: string;
}

export interface AppEnv {
  Variables: AppVariables;
}

export type App = Hono<AppEnv>;
