// What the start/stop/delete jobs need, gathered once from the ServerContext
// by the composition of the provisioner (provisioner.ts). Tests build it
// with shorter timings. Holds no behaviour.
import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import type { ServerContext } from '../context.js';
import type { EventBus } from '../db/event-bus.js';
import type { Sql } from '../db/storage.js';
import type { PortRange } from './ports.js';
import type { TemplateRegistry } from './template-registry.js';

export interface HostIdentity {
  uid: number;
  /** USER/LOGNAME of agents. */
  user: string;
  /** The server's PATH and LANG (agents get PATH with the package commands first). */
  path: string | undefined;
  lang: string | undefined;
}

export interface JobTiming {
  /** §4.4.5: SIGTERM the agent when it has not reported `shutting_down` within this (10 s). */
  shutdownAckTimeoutMs: number;
  /** How often the stop job looks at the agent's lifecycle and process. */
  pollMs: number;
}

export const DEFAULT_JOB_TIMING: JobTiming = { shutdownAckTimeoutMs: 10_000, pollMs: 100 };

export interface JobDeps {
  sql: Sql;
  events: EventBus;
  logger: Logger;
  templates: TemplateRegistry;
  dataDir: string;
  accessUrl: string;
  portRange: PortRange;
  stopGracePeriodMs: number;
  timing: JobTiming;
  host: HostIdentity;
}

export function currentHost(env: NodeJS.ProcessEnv = process.env): HostIdentity {
  const info = userInfo();
  return { uid: info.uid, user: info.username, path: env.PATH, lang: env.LANG };
}

export function jobDepsFromContext(ctx: ServerContext, overrides: { timing?: Partial<JobTiming>; host?: HostIdentity } = {}): JobDeps {
  return {
    sql: ctx.sql,
    events: ctx.events,
    logger: ctx.logger,
    templates: ctx.templates,
    dataDir: ctx.config.dataDir,
    accessUrl: ctx.accessUrl,
    portRange: ctx.config.portRange,
    stopGracePeriodMs: ctx.config.stopGracePeriodMs,
    timing: { ...DEFAULT_JOB_TIMING, ...overrides.timing },
    host: overrides.host ?? currentHost(),
  };
}
