// The ServerContext: everything a route module, startup step or background
// service may use, built once by the composition root (server.ts) and passed
// down. Modules take what they need from it; they never create their own
// pool, logger, registry or event bus. Add a field here (and set it in
// server.ts) when a new shared collaborator appears.
import type { Logger } from 'pino';
import type { AuthService } from './auth/auth-service.js';
import type { ServerConfig } from './config.js';
import type { EventBus } from './db/event-bus.js';
import type { Sql } from './db/storage.js';
import type { ServerMetrics } from './metrics.js';
import type { BuildService } from './provisioner/build-service.js';
import type { TemplateRegistry } from './provisioner/template-registry.js';

export interface ServerContext {
  config: ServerConfig;
  /** The URL agents and clients reach this server at (never ends with `/`). */
  accessUrl: string;
  logger: Logger;
  /** Connection pool; use `sql.begin()` for transactions. */
  sql: Sql;
  /** Cross-replica notifications (LISTEN/NOTIFY `taskyard_events`). */
  events: EventBus;
  metrics: ServerMetrics;
  /** Users, API tokens and token checks (§3); route auth: auth/middleware.ts. */
  auth: AuthService;
  /** Registered templates and their versions, loaded for rendering (§4.1). */
  templates: TemplateRegistry;
  /** Workspaces and build requests (§4.4); jobs run in the provisioner loop. */
  builds: BuildService;
  /** Aborted when shutdown begins: SSE streams and loops end on it. */
  shutdownSignal: AbortSignal;
  /** Unique per server process (e.g. provisioner_jobs.worker_id). */
  replicaId: string;
  /** Package version (buildinfo). */
  version: string;
  /** Where one-time messages for the operator go (the first user's token line). */
  stdout: NodeJS.WritableStream;
}
