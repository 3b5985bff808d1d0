// The provisioner's hooks for the composition root (server.md §1.2.1,
// §4.4): the startup steps "load templates" and "reconcile", and the
// background provisioner loop that runs start/stop/delete jobs on this
// replica. It wires; the behaviour
// lives in the modules it imports.
import type { ServerContext } from '../context.js';
import type { Build } from './builds.js';
import { jobDepsFromContext, type JobDeps, type JobTiming } from './job-deps.js';
import { JobRunner, type JobExecutor, type JobRunnerTiming } from './job-runner.js';
import { reconcileProvisioner } from './reconcile.js';
import { runStartJob } from './start-job.js';
import { runDeleteJob, runStopJob } from './stop-job.js';

/** Startup step "load templates" (§4.1.1). */
export async function registerTemplatesOnStart(ctx: ServerContext): Promise<void> {
  await ctx.templates.registerAll(ctx.config.templatesDir);
}

/** Startup step "reconcile" (§4.6). */
export async function reconcileOnStart(ctx: ServerContext): Promise<void> {
  await reconcileProvisioner(ctx);
}

/** The executor for a build's transition. */
export function createJobExecutor(deps: JobDeps): JobExecutor {
  return (build: Build, signal: AbortSignal) => {
    switch (build.transition) {
      case 'start':
        return runStartJob(deps, build, signal);
      case 'stop':
        return runStopJob(deps, build, signal);
      case 'delete':
        return runDeleteJob(deps, build, signal);
    }
  };
}

export interface ProvisionerLoopOptions {
  runner?: Partial<JobRunnerTiming>;
  jobs?: Partial<JobTiming>;
}

/** Creates and starts this replica's provisioner loop. */
export function createProvisionerLoop(ctx: ServerContext, options: ProvisionerLoopOptions = {}): JobRunner {
  const runner = new JobRunner({
    sql: ctx.sql,
    events: ctx.events,
    logger: ctx.logger,
    metrics: ctx.metrics,
    workerId: ctx.replicaId,
    execute: createJobExecutor(jobDepsFromContext(ctx, { timing: options.jobs })),
    timing: options.runner,
  });
  runner.start();
  return runner;
}

/** Background service "provisioner loop" (§4.4.3). */
export function startProvisionerLoop(ctx: ServerContext): { name: string; stop(): Promise<void> } {
  const runner = createProvisionerLoop(ctx);
  return { name: 'provisioner loop', stop: () => runner.stop() };
}
