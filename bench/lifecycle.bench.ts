// Lifecycle figures at scale (issue 8), on a real `taskyard server` process
// with demo tasks (real agent, agentapi and demo-agent processes), every
// pause and resume checked as in the soak (test/soak/soak-task.ts):
// - burst: BURST tasks paused at the same moment, then resumed at the same
//   moment — p50/p99 next to one task pausing/resuming alone in the same run;
// - a reduced soak (test/soak/soak.ts: SOAK_TASKS tasks, SOAK_CYCLES cycles,
//   one fault of each kind, fixed seed) for the soak's own figures — its
//   pauses at random concurrency, its slowest faulted pauses against their
//   bound, the server's RSS — each against the soak run's single-task
//   baseline. The full soak (50 tasks, 3 cycles) takes too long for a
//   benchmark: `npm run soak` writes its report to bench/results/<date>.md.
// Timings are reported, never asserted; assertion failures become a figure.
import { percentile, type Benchmark, type Figure } from './harness.js';
import { PAUSE_SLACK_MS, runSoak } from '../test/soak/soak.js';
import { soakFigures } from '../test/soak/report.js';
import { SoakServer } from '../test/soak/soak-server.js';
import { SoakTask } from '../test/soak/soak-task.js';
import { killWorkspaceProcesses } from '../src/server/provisioner/processes.js';

const BURST = 10;
const GRACE_S = 30;
const SOAK_TASKS = 10;
const SOAK_CYCLES = 2;
const SOAK_SEED = 8;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

async function runBurstBench(): Promise<Figure[]> {
  const violations: string[] = [];
  const server = await SoakServer.start({ stopGracePeriodS: GRACE_S, runMarker: `TASKYARD_BENCH_RUN=${process.pid}-${Date.now()}` });
  const deps = { server, pauseBoundMs: GRACE_S * 1000 + PAUSE_SLACK_MS, signal: new AbortController().signal, violate: (task: string, message: string) => violations.push(`${task}: ${message}`) };
  const all: SoakTask[] = [];
  try {
    const single = new SoakTask('single', 'demo', deps);
    all.push(single);
    await single.create('single prompt');
    await single.converse(2, 'warm-up');
    const singlePause: number[] = [];
    const singleResume: number[] = [];
    for (let i = 0; i < 3; i++) {
      singlePause.push((await single.pause(i, 'none')).latencyMs);
      singleResume.push((await single.resume(i)).latencyMs);
    }
    await single.pause(3, 'none');

    const burst = Array.from({ length: BURST }, (_, i) => new SoakTask(`burst-${i}`, 'demo', deps));
    all.push(...burst);
    // Created five at a time (a 2-core machine), each with a 7-message conversation.
    for (let i = 0; i < burst.length; i += 5) {
      await Promise.all(burst.slice(i, i + 5).map(async (task) => {
        await task.create(`${task.name} prompt`);
        await task.converse(2, 'warm-up');
      }));
    }
    const pauses = (await Promise.all(burst.map((task) => task.pause(1, 'none')))).map((r) => r.latencyMs);
    const resumes = (await Promise.all(burst.map((task) => task.resume(1)))).map((r) => r.latencyMs);
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const boundS = deps.pauseBoundMs / 1000;
    const pauseBaseline = { name: 'one task pausing alone (median of 3)', value: median(singlePause) / 1000 };
    const resumeBaseline = { name: 'one task resuming alone (median of 3)', value: median(singleResume) / 1000 };
    return [
      ...[50, 99].map((q) => {
        const value = percentile(sorted(pauses), q) / 1000;
        return { name: `pause p${q}, ${BURST} tasks pausing at once`, value, unit: 's', target: `<= ${boundS} s (grace + slack)`, meetsTarget: value <= boundS, baseline: pauseBaseline };
      }),
      ...[50, 99].map((q) => ({ name: `resume p${q} to restored /messages, ${BURST} tasks resuming at once`, value: percentile(sorted(resumes), q) / 1000, unit: 's', baseline: resumeBaseline })),
      {
        name: `burst pause/resume checks failed (conversation, snapshot, leftovers)${violations.length > 0 ? `: ${violations[0]!.slice(0, 80)}` : ''}`,
        value: violations.length,
        unit: '',
        target: '0',
        meetsTarget: violations.length === 0,
        baseline: { name: 'none allowed', value: 0 },
      },
    ];
  } finally {
    for (const task of all) if (task.workspaceId !== '') await task.remove().catch(() => undefined);
    await server.stop();
    for (const task of all) if (task.workspaceId !== '') await killWorkspaceProcesses(task.workspaceId);
    server.removeRunDir();
  }
}

async function runReducedSoak(): Promise<Figure[]> {
  const report = await runSoak({
    tasks: SOAK_TASKS,
    cycles: SOAK_CYCLES,
    faultsPerKind: 1,
    minConcurrency: 3,
    seed: SOAK_SEED,
    stopGracePeriodS: 20,
    deadlineMs: 15 * 60_000,
    baseline: true,
    rssFactor: 1.5,
    log: (line) => process.stderr.write(`  ${line}\n`),
  });
  const prefix = `soak ${SOAK_TASKS}x${SOAK_CYCLES} (full 50x3: npm run soak)`;
  return [
    ...soakFigures(report, prefix),
    {
      name: `${prefix}: assertion violations${report.violations.length > 0 ? ` (first: ${report.violations[0]!.message.slice(0, 80)})` : ''}`,
      value: report.violations.length,
      unit: '',
      target: '0',
      meetsTarget: report.passed,
      baseline: { name: 'none allowed', value: 0 },
    },
  ];
}

export const lifecycleBenchmarks: Benchmark[] = [
  { name: 'lifecycle: pause and resume of 10 tasks at once', run: runBurstBench },
  { name: 'lifecycle: reduced soak (10 tasks, 2 cycles, faults)', run: runReducedSoak },
];
