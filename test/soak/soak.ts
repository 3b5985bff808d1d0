// The lifecycle soak (issue #8): N demo tasks on one real `taskyard server`,
// each created and conversing, then `cycles` times paused, resumed and
// conversing again, at a random concurrency per phase (seeded, so a run can
// be replayed), with faults injected into chosen pauses: kill -9 of the
// task's AgentAPI right after the pause request, the control plane
// unreachable for the task's agent (its shutdown script's POST included),
// and a /messages slower than the shutdown script's fetch timeout. It checks
// (SoakTask) that no message is lost beyond what the system guarantees, that
// every snapshot is what it should be, that no workspace process outlives a
// pause or the run, and that the server's memory stays bounded; and it
// returns a report instead of throwing. The whole run is bounded by a
// deadline; on expiry the report lists what was still pending. Every process
// it starts is gone when it returns.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { killWorkspaceProcesses } from '../../src/server/provisioner/processes.js';
import { createPrng, type Prng } from './prng.js';
import { SoakServer } from './soak-server.js';
import { FAULT_KINDS, SoakTask, type FaultKind, type PauseRecord, type ResumeRecord } from './soak-task.js';
import { findRunProcesses, workspacesWithProcesses } from './workspace-processes.js';

export interface SoakOptions {
  tasks: number;
  cycles: number;
  /** Pauses per fault kind that get that fault (each on a different task). */
  faultsPerKind: number;
  seed: number;
  /** `--stop-grace-period` of the server, seconds. */
  stopGracePeriodS: number;
  /** The whole run, cleanup included, must end within this. */
  deadlineMs: number;
  /** Measure a single task's pause and resume alone first (the figures' baseline). */
  baseline: boolean;
  /** Each phase's concurrency is drawn uniformly from [minConcurrency, tasks]. */
  minConcurrency: number;
  /** The server's RSS after the last cycle may be at most this factor of its RSS after the first phase. */
  rssFactor: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export const SHORT_SOAK: Omit<SoakOptions, 'seed'> = {
  tasks: 5,
  cycles: 1,
  faultsPerKind: 1,
  minConcurrency: 3,
  // Long enough for the slow-/messages pause (10 s fetch timeout) to end by itself.
  stopGracePeriodS: 15,
  deadlineMs: 170_000,
  baseline: false,
  rssFactor: 1.5,
};

export const FULL_SOAK: Omit<SoakOptions, 'seed'> = {
  tasks: 50,
  cycles: 3,
  faultsPerKind: 3,
  minConcurrency: 10,
  stopGracePeriodS: 30,
  deadlineMs: 25 * 60_000,
  baseline: true,
  rssFactor: 1.5,
};

/** Slack on top of the stop grace period: job pickup, SIGKILL of the process group, the workspace scan, status propagation. */
export const PAUSE_SLACK_MS = 15_000;

export interface PhaseRecord {
  name: string;
  concurrency: number;
  durationMs: number;
  /** Server RSS (bytes) at the end of the phase. */
  serverRss: number;
}

export interface Violation {
  task: string;
  message: string;
}

export interface SoakReport {
  options: SoakOptions;
  seed: number;
  passed: boolean;
  startedAt: string;
  durationMs: number;
  pauseBoundMs: number;
  faultPlan: { task: string; cycle: number; fault: FaultKind }[];
  baseline?: { pauseMs: number[]; resumeMs: number[] };
  phases: PhaseRecord[];
  pauses: PauseRecord[];
  resumes: ResumeRecord[];
  /** Server RSS (bytes) after the create phase and after the last cycle: the memory bound. */
  rss?: { afterCreate: number; afterLastCycle: number };
  /** Highest server RSS sampled (every second) during the run. */
  peakServerRss: number;
  violations: Violation[];
  /** On deadline: tasks and what each was doing. */
  pending: string[];
  /** Requests the control-plane proxy refused (cut agent tokens). */
  refusedAgentRequests: number;
  /** Processes of the run found after the server was stopped (killed then). */
  orphans: { pid: number; argv: string[] }[];
  error?: string;
}

class DeadlineError extends Error {
  readonly code = 'soak_deadline';
  constructor(ms: number) {
    super(`soak deadline of ${ms} ms reached`);
  }
}

/** Runs `work` over `items` with at most `concurrency` at once, each after a random jitter. */
async function pool<T>(items: readonly T[], concurrency: number, prng: Prng, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const jitters = items.map(() => prng.int(0, 1_000));
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && !signal.aborted) {
        const index = next++;
        await new Promise((r) => setTimeout(r, jitters[index]));
        await work(items[index]!);
      }
    }),
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const prng = createPrng(options.seed);
  const startedAt = new Date();
  const t0 = performance.now();
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(new DeadlineError(options.deadlineMs)), options.deadlineMs);
  // Work must stop a little before the deadline, so cleanup fits in it.
  const cleanupReserveMs = Math.min(60_000, options.deadlineMs / 4);
  const workDeadline = new AbortController();
  // Every task waiting on its watch stream listens to it: up to `tasks` listeners at once.
  setMaxListeners(0, workDeadline.signal);
  const workTimer = setTimeout(() => workDeadline.abort(new DeadlineError(options.deadlineMs - cleanupReserveMs)), options.deadlineMs - cleanupReserveMs);
  const pauseBoundMs = options.stopGracePeriodS * 1000 + PAUSE_SLACK_MS;
  const runMarker = `TASKYARD_SOAK_RUN=${randomUUID()}`;
  const report: SoakReport = {
    options,
    seed: options.seed,
    passed: false,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    pauseBoundMs,
    faultPlan: [],
    phases: [],
    pauses: [],
    resumes: [],
    peakServerRss: 0,
    violations: [],
    pending: [],
    refusedAgentRequests: 0,
    orphans: [],
  };
  const violate = (task: string, message: string) => {
    report.violations.push({ task, message });
    log(`VIOLATION ${task}: ${message}`);
  };

  log(`soak: ${options.tasks} tasks, ${options.cycles} cycle(s), ${options.faultsPerKind} fault(s) per kind, concurrency ${options.minConcurrency}..${options.tasks}, seed ${options.seed}`);
  const server = await SoakServer.start({ stopGracePeriodS: options.stopGracePeriodS, runMarker });
  const rssTimer = setInterval(() => (report.peakServerRss = Math.max(report.peakServerRss, server.rss() ?? 0)), 1_000);
  const deps = { server, pauseBoundMs, signal: workDeadline.signal, violate };
  const tasks: SoakTask[] = [];
  const broken = new Set<SoakTask>();

  // Faults go to distinct tasks, each in a random cycle; slow /messages needs the soakslow template.
  const faulted = prng.shuffle(Array.from({ length: options.tasks }, (_, i) => i)).slice(0, FAULT_KINDS.length * options.faultsPerKind);
  const faultOf = new Map<number, { fault: FaultKind; cycle: number }>();
  faulted.forEach((index, n) => faultOf.set(index, { fault: FAULT_KINDS[n % FAULT_KINDS.length]!, cycle: prng.int(1, options.cycles) }));
  for (let i = 0; i < options.tasks; i++) {
    const fault = faultOf.get(i);
    tasks.push(new SoakTask(`soak-${i}`, fault?.fault === 'slow-messages' ? 'soakslow' : 'demo', deps));
    if (fault) report.faultPlan.push({ task: `soak-${i}`, ...fault });
  }

  /** Runs one task's step; a failure marks the task broken (it skips later phases) and is a violation. */
  const attempt = async (task: SoakTask, step: () => Promise<void>) => {
    if (broken.has(task) || workDeadline.signal.aborted) return;
    try {
      await step();
    } catch (err) {
      if (workDeadline.signal.aborted) return;
      broken.add(task);
      violate(task.name, `${task.step}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const phase = async (name: string, concurrency: number, work: (task: SoakTask) => Promise<void>) => {
    const p0 = performance.now();
    log(`phase ${name}: concurrency ${concurrency}`);
    await pool(prng.shuffle(tasks), concurrency, prng, workDeadline.signal, (task) => attempt(task, () => work(task)));
    const record = { name, concurrency, durationMs: performance.now() - p0, serverRss: server.rss() ?? 0 };
    report.phases.push(record);
    log(`phase ${name}: ${(record.durationMs / 1000).toFixed(1)} s, server RSS ${(record.serverRss / 2 ** 20).toFixed(0)} MiB, ${report.violations.length} violation(s) so far`);
  };
  const randomConcurrency = () => prng.int(Math.min(options.minConcurrency, options.tasks), options.tasks);

  try {
    if (options.baseline) {
      const single = new SoakTask('soak-baseline', 'demo', deps);
      report.baseline = { pauseMs: [], resumeMs: [] };
      await single.create('baseline prompt');
      await single.converse(1, 'baseline');
      for (let i = 0; i < 3; i++) {
        report.baseline.pauseMs.push((await single.pause(0, 'none')).latencyMs);
        report.baseline.resumeMs.push((await single.resume(0)).latencyMs);
      }
      await single.pause(0, 'none');
      tasks.unshift(single);
      broken.add(single); // done: it takes no part in the phases
      log(`baseline: pause ${median(report.baseline.pauseMs).toFixed(0)} ms, resume ${median(report.baseline.resumeMs).toFixed(0)} ms (medians of 3, one task alone)`);
    }
    // Drawn before a phase starts, never while its tasks run, so a seed replays the same choices.
    const drawTurns = () => new Map(tasks.map((t) => [t, prng.int(1, 2)]));
    let turns = drawTurns();
    await phase('create and converse', randomConcurrency(), async (task) => {
      await task.create(`${task.name} prompt`);
      await task.converse(turns.get(task)!, 'cycle 0');
    });
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      turns = drawTurns();
      await phase(`cycle ${cycle}`, randomConcurrency(), async (task) => {
        const index = Number(task.name.slice('soak-'.length));
        const planned = faultOf.get(index);
        const fault = planned && planned.cycle === cycle ? planned.fault : 'none';
        report.pauses.push(await task.pause(cycle, fault));
        report.resumes.push(await task.resume(cycle));
        await task.converse(turns.get(task)!, `cycle ${cycle}`);
      });
    }
    if (workDeadline.signal.aborted) throw workDeadline.signal.reason;
    const [first, last] = [report.phases[0], report.phases.at(-1)];
    if (first && last && last !== first) {
      report.rss = { afterCreate: first.serverRss, afterLastCycle: last.serverRss };
      if (last.serverRss > options.rssFactor * first.serverRss) violate('server', `RSS grew from ${first.serverRss} to ${last.serverRss} bytes (bound: ${options.rssFactor}x)`);
    }
    // Paused before they are deleted: a delete build does not keep the agent token valid (server.md §3.6
    // names stop builds only), so deleting an active task waits out the whole stop grace period.
    await phase('final pause', randomConcurrency(), async (task) => {
      report.pauses.push(await task.pause(options.cycles + 1, 'none'));
    });
    if (workDeadline.signal.aborted) throw workDeadline.signal.reason;
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    const finalStep = `cycle ${options.cycles + 1} pause: done`;
    if (workDeadline.signal.aborted) report.pending = [`phase: ${report.phases.length < options.cycles + 1 ? `#${report.phases.length} (0 = create)` : 'after the last'}`, ...tasks.filter((t) => !broken.has(t) && t.step !== finalStep).map((t) => `${t.name}: ${t.step}`)];
    violate('soak', report.error);
  } finally {
    clearTimeout(workTimer);
    clearInterval(rssTimer);
    report.refusedAgentRequests = server.proxy.refused;
    await cleanup(server, runMarker, tasks, deadline.signal, options.stopGracePeriodS, report, violate, log);
    clearTimeout(deadlineTimer);
  }
  report.durationMs = performance.now() - t0;
  report.passed = report.violations.length === 0;
  log(`soak ${report.passed ? 'PASSED' : 'FAILED'} in ${(report.durationMs / 1000).toFixed(0)} s (seed ${options.seed})`);
  return report;
}

/**
 * Deletes every task (the delete build stops its workspace), waits until no
 * workspace process is left, stops the server, and then looks for anything
 * of the run still alive: each is a violation, and is killed.
 */
async function cleanup(
  server: SoakServer,
  runMarker: string,
  tasks: SoakTask[],
  signal: AbortSignal,
  gracePeriodS: number,
  report: SoakReport,
  violate: (task: string, message: string) => void,
  log: (line: string) => void,
): Promise<void> {
  const workspaces = tasks.map((t) => t.workspaceId).filter((id) => id !== '');
  try {
    log('cleanup: deleting tasks');
    await Promise.all(tasks.filter((t) => t.workspaceId !== '').map((t) => t.remove().catch((err: unknown) => violate(t.name, `delete: ${String(err)}`))));
    const until = Date.now() + gracePeriodS * 1000 + PAUSE_SLACK_MS;
    while (workspacesWithProcesses(workspaces).size > 0 && Date.now() < until && !signal.aborted) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const remaining = [...workspacesWithProcesses(workspaces)];
    if (remaining.length > 0) violate('cleanup', `${remaining.length} deleted workspace(s) still have processes after the stop grace period`);
  } finally {
    log('cleanup: workspaces stopped; stopping the server');
    await server.stop();
    log('cleanup: server stopped');
    await new Promise((r) => setTimeout(r, 500));
    report.orphans = findRunProcesses(workspaces, runMarker, server.root);
    for (const orphan of report.orphans) violate('cleanup', `process ${orphan.pid} (${orphan.argv.join(' ').slice(0, 120)}) outlived the run`);
    for (const id of workspaces) await killWorkspaceProcesses(id);
    for (const orphan of report.orphans) {
      try {
        process.kill(orphan.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    server.removeRunDir();
  }
}
