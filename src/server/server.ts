// Composition root of `taskyard server` (server.md §1.2): builds every shared
// collaborator once, runs the startup steps in the normative order, listens,
// and shuts down in the normative order. It wires; it holds no endpoint,
// provisioning or task logic. To hook in:
//   - a startup step (runs after migrations, before listen): STARTUP_STEPS;
//   - a background service (starts after listen, stops before storage): BACKGROUND_SERVICES;
//   - endpoints: api/app.ts ROUTE_MODULES.
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { startAgentHealthMonitor } from './agents/health-monitor.js';
import { buildApp } from './api/app.js';
import { AuthService } from './auth/auth-service.js';
import { createFirstUserOnStart } from './auth/first-user.js';
import { accessUrlFor, type ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import type { EmbeddedPostgresOptions } from './db/embedded-postgres.js';
import { EventBus } from './db/event-bus.js';
import { migrate } from './db/migrate.js';
import { openStorage, type Storage } from './db/storage.js';
import { listenHttp, pickFreePort, type HttpListener } from './listen.js';
import { createServerLogger } from './logger.js';
import { createServerMetrics } from './metrics.js';
import { pauseWorkspacesOnShutdown } from './pause-on-shutdown.js';
import { BuildService } from './provisioner/build-service.js';
import { reconcileOnStart, registerTemplatesOnStart, startProvisionerLoop } from './provisioner/provisioner.js';
import { TemplateRegistry } from './provisioner/template-registry.js';
import { startTaskLoop } from './tasks/wiring.js';
import { packageVersion } from './version.js';

/** One step of §1.2.1 between "run migrations" and "listen". */
export interface StartupStep {
  name: string;
  run(ctx: ServerContext): Promise<void>;
}

/** Something running while the server runs (provisioner loop, auto-pause loop, …). */
export interface BackgroundService {
  name: string;
  /** Must end its loops and wait for in-flight work to settle (jobs keep their state). */
  stop(): Promise<void>;
}
export type StartBackgroundService = (ctx: ServerContext) => BackgroundService | Promise<BackgroundService>;

/**
 * §1.2.1, in this order, after "open storage → run migrations":
 *   load templates (§4.1) → reconcile (§4.6)
 * The first user (§3.3) is created before them so reconciliation sees a complete user table.
 */
const STARTUP_STEPS: readonly StartupStep[] = [
  { name: 'first user', run: createFirstUserOnStart },
  { name: 'load templates', run: registerTemplatesOnStart },
  { name: 'reconcile', run: reconcileOnStart },
];

/** Started after listen in this order; stopped in reverse order on shutdown. */
const BACKGROUND_SERVICES: readonly StartBackgroundService[] = [
  startProvisionerLoop,
  startTaskLoop, // tasks: auto-pause (§6.6.2), taskyard_tasks gauge, deferred delete builds
  startAgentHealthMonitor, // agents: task app unhealthy when the agent is gone (§4.5)
];

/** In-flight HTTP requests get this long to finish on shutdown (§1.2.2). */
export const HTTP_SHUTDOWN_GRACE_MS = 10_000;

export interface StartServerOptions {
  /** Operator messages (first user's token line); default process.stdout. */
  stdout?: NodeJS.WritableStream;
  /** Log destination; default stderr. */
  logDestination?: DestinationStream;
  /** Embedded PostgreSQL tuning (tests). */
  embedded?: Partial<Omit<EmbeddedPostgresOptions, 'dataDir' | 'logger'>>;
}

export interface RunningServer {
  ctx: ServerContext;
  accessUrl: string;
  port: number;
  /** The §1.2.2 sequence; idempotent (later calls return the first call's promise). */
  stop(): Promise<void>;
  /** With pauseTasksOnShutdown: stop waiting for the pauses (kill what still stops) and go on. */
  stopFaster(): void;
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = createServerLogger(config.logLevel, options.logDestination);
  // Port 0: choose the port now, so the access URL is known to every startup step.
  const address = config.address.port === 0 ? { ...config.address, port: await pickFreePort(config.address.host) } : config.address;
  const accessUrl = config.accessUrl ?? accessUrlFor(address);
  const shutdown = new AbortController();
  const cleanups: Array<() => Promise<void>> = [];
  const unwind = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    }
  };

  try {
    const storage: Storage = await openStorage({ postgresUrl: config.postgresUrl, dataDir: config.dataDir, logger, embedded: options.embedded });
    cleanups.push(() => storage.close());
    await migrate(storage.sql, logger);
    const events = await EventBus.start(storage.sql, logger);
    cleanups.push(() => events.close());

    const ctx: ServerContext = {
      config,
      accessUrl,
      logger,
      sql: storage.sql,
      events,
      metrics: createServerMetrics(),
      auth: new AuthService(storage.sql),
      templates: new TemplateRegistry(storage.sql, config.dataDir, logger),
      builds: new BuildService({ sql: storage.sql, events, logger }),
      shutdownSignal: shutdown.signal,
      replicaId: randomUUID(),
      version: packageVersion(),
      stdout: options.stdout ?? process.stdout,
    };
    for (const step of STARTUP_STEPS) {
      logger.debug({ step: step.name }, 'startup step');
      await step.run(ctx);
    }

    const app = buildApp(ctx);
    const listener: HttpListener = await listenHttp(app.fetch, address);
    // Shutdown order (§1.2.2), i.e. the reverse of `cleanups`, after the
    // opt-in step 0 of stop() (--pause-tasks-on-shutdown: pause every workspace):
    //   1. stop accepting; end SSE streams (shutdownSignal); in-flight requests get 10 s
    //   2. stop background services (the provisioner loop: running jobs keep their state)
    //   3. stop the event listener, close the pool, stop embedded PostgreSQL
    // Workspaces are not stopped: agents outlive the server and reconnect.
    for (const start of BACKGROUND_SERVICES) {
      const service = await start(ctx);
      cleanups.push(() => service.stop());
    }
    cleanups.push(async () => {
      shutdown.abort();
      await listener.close(HTTP_SHUTDOWN_GRACE_MS);
    });
    logger.info({ access_url: accessUrl }, 'server started');

    let stopping: Promise<void> | undefined;
    const hurry = new AbortController();
    return {
      ctx,
      accessUrl,
      port: listener.port,
      stop: () => {
        stopping ??= (async () => {
          logger.info('server stopping');
          // 0. (opt-in) pause every workspace while HTTP and the provisioner
          //    still run: the stop scripts upload their snapshots through the API.
          if (config.pauseTasksOnShutdown) {
            await pauseWorkspacesOnShutdown({ sql: ctx.sql, builds: ctx.builds, logger, stopGracePeriodMs: config.stopGracePeriodMs }, { hurry: hurry.signal }).catch(
              (err: unknown) => logger.error({ err }, 'pausing workspaces for shutdown failed'),
            );
          }
          await unwind();
          logger.info('server stopped');
        })();
        return stopping;
      },
      stopFaster: () => hurry.abort(),
    };
  } catch (err) {
    shutdown.abort();
    await unwind();
    throw err;
  }
}
