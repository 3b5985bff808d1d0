// The soak's report: its figures (in the benchmark harness's Figure shape,
// each next to a baseline measured in the same run: one task pausing and
// resuming alone before the load) and the markdown section a run appends to
// bench/results/<date>.md. Pure: it reads the report, never the system.
import os from 'node:os';
import { percentile, renderTable, type Figure } from '../../bench/harness.js';
import type { SoakReport } from './soak.js';
import { FAULT_KINDS, type FaultKind } from './soak-task.js';

const MiB = 2 ** 20;
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const p = (values: number[], q: number) => percentile(sorted(values), q);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What each fault does to a pause, as observed and asserted (SoakTask.checkSnapshot / resume). */
export const FAULT_BEHAVIOUR: Record<FaultKind, string> = {
  'kill-agentapi':
    'AgentAPI is SIGKILLed right after the pause request, before the shutdown script\'s SIGUSR1: the script finds the PID dead and sends no signal, the /messages fetch fails, nothing is posted. ' +
    'The stored snapshot stays the previous one (or none). AgentAPI has no autosave (agentapi.md §7.2.3), so after resume the conversation is the one saved by the last completed pause ' +
    '(or, without any, a fresh start: greeting, the task prompt sent again, its echo); the turns since that save are lost — exactly that, nothing more.',
  'cp-unreachable':
    'The task\'s agent cannot reach the control plane from just before the pause request until the task is paused (its connections reset by the proxy): the shutdown command is not delivered, ' +
    'the stop job SIGTERMs the agent after 10 s, the stop script saves AgentAPI\'s state (SIGUSR1), fetches /messages, its POST fails at once (curl: connection reset) and AgentAPI is SIGTERMed; ' +
    'the agent then keeps retrying its lifecycle report (agent.md §3.2.4: retried until accepted) and is SIGKILLed when the stop grace period ends. The previous snapshot stays (or none); ' +
    'the conversation after resume equals the one before the pause.',
  'slow-messages':
    'The shutdown script\'s GET /messages is held beyond its 10 s fetch timeout: the state is saved first (SIGUSR1), the fetch times out, nothing is posted, AgentAPI is SIGTERMed. ' +
    'The previous snapshot stays (or none); the conversation after resume equals the one before the pause.',
};

export function soakFigures(report: SoakReport, prefix = 'soak'): Figure[] {
  const clean = report.pauses.filter((r) => r.fault === 'none').map((r) => r.latencyMs / 1000);
  const resumes = report.resumes.map((r) => r.latencyMs / 1000);
  const basePause = report.baseline ? p(report.baseline.pauseMs, 50) / 1000 : NaN;
  const baseResume = report.baseline ? p(report.baseline.resumeMs, 50) / 1000 : NaN;
  const bound = report.pauseBoundMs / 1000;
  const pauseBaseline = { name: 'one task pausing alone (median of 3)', value: basePause };
  const figures: Figure[] = [];
  if (clean.length > 0) {
    for (const q of [50, 99]) {
      const value = p(clean, q);
      figures.push({ name: `${prefix}: pause p${q}, ${clean.length} pauses at random concurrency`, value, unit: 's', target: `<= ${bound} s (grace + slack)`, meetsTarget: value <= bound, baseline: pauseBaseline });
    }
  }
  if (resumes.length > 0) {
    for (const q of [50, 99]) {
      figures.push({ name: `${prefix}: resume p${q} to restored /messages`, value: p(resumes, q), unit: 's', baseline: { name: 'one task resuming alone (median of 3)', value: baseResume } });
    }
  }
  for (const kind of FAULT_KINDS) {
    const latencies = report.pauses.filter((r) => r.fault === kind).map((r) => r.latencyMs / 1000);
    if (latencies.length === 0) continue;
    const value = Math.max(...latencies);
    figures.push({ name: `${prefix}: slowest pause with fault ${kind} (of ${latencies.length})`, value, unit: 's', target: `<= ${bound} s`, meetsTarget: value <= bound, baseline: pauseBaseline });
  }
  if (report.rss) {
    figures.push({
      name: `${prefix}: server RSS after cycle ${report.options.cycles}`,
      value: report.rss.afterLastCycle / MiB,
      unit: 'MiB',
      target: `<= ${report.options.rssFactor}x after create`,
      meetsTarget: report.rss.afterLastCycle <= report.options.rssFactor * report.rss.afterCreate,
      baseline: { name: `server RSS after creating ${report.options.tasks} tasks`, value: report.rss.afterCreate / MiB },
    });
  }
  return figures;
}

export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}`;
}

export function renderRunSection(report: SoakReport, title: string): string {
  const o = report.options;
  const lines: string[] = [];
  lines.push(`## ${title}: ${report.passed ? 'PASSED' : 'FAILED'}`, '');
  lines.push(`- started ${report.startedAt}, took ${seconds(report.durationMs)}; seed ${report.seed} (replay: \`npm run soak -- --seed ${report.seed} --tasks ${o.tasks} --cycles ${o.cycles} --faults ${o.faultsPerKind} --min-concurrency ${o.minConcurrency} --grace ${o.stopGracePeriodS}\`)`);
  lines.push(`- ${o.tasks} tasks (demo agent), ${o.cycles} cycle(s) of pause → resume → converse, ${o.faultsPerKind} fault(s) per kind, concurrency per phase drawn from ${Math.min(o.minConcurrency, o.tasks)}..${o.tasks}; --stop-grace-period ${o.stopGracePeriodS}s, so every pause is bounded by ${seconds(report.pauseBoundMs)} (grace + ${seconds(report.pauseBoundMs - o.stopGracePeriodS * 1000)} slack); deadline ${seconds(o.deadlineMs)}`);
  lines.push(`- machine: ${machineDescription()}, load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  lines.push(`- ${report.pauses.length} pauses, ${report.resumes.length} resumes, ${report.violations.length} violation(s), ${report.orphans.length} orphaned process(es), ${report.refusedAgentRequests} agent requests refused by the cut`);
  if (report.error) lines.push(`- error: ${report.error}`);
  lines.push('');
  const figures = soakFigures(report);
  if (figures.length > 0) lines.push('### Figures', '', renderTable(figures), '');
  lines.push('### Phases', '', '| phase | concurrency | duration | server RSS at the end |', '|---|---|---|---|');
  for (const phase of report.phases) lines.push(`| ${phase.name} | ${phase.concurrency} | ${seconds(phase.durationMs)} | ${(phase.serverRss / MiB).toFixed(0)} MiB |`);
  lines.push('', `Peak server RSS (sampled every second): ${(report.peakServerRss / MiB).toFixed(0)} MiB.`, '');
  lines.push(
    '### Pauses',
    '',
    '| kind | count | p50 | p99 | max | bound | state saved | version probe timed out | snapshot new / unchanged / none | SIGTERM fallback | grace-period kill | processes left |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const kind of ['none', ...FAULT_KINDS] as const) {
    const records = report.pauses.filter((r) => r.fault === kind);
    if (records.length === 0) continue;
    const ms = records.map((r) => r.latencyMs);
    const count = (s: string) => records.filter((r) => r.snapshot === s).length;
    const warned = (text: string) => records.filter((r) => r.stopJobWarnings.some((w) => w.includes(text))).length;
    lines.push(
      `| ${kind} | ${records.length} | ${seconds(p(ms, 50))} | ${seconds(p(ms, 99))} | ${seconds(Math.max(...ms))} | ${seconds(report.pauseBoundMs)} | ${records.filter((r) => r.stateSaved).length} | ${records.filter((r) => r.versionProbeFailed).length} | ${count('new')} / ${count('unchanged')} / ${count('none')} | ${warned('sending SIGTERM')} | ${warned('grace period elapsed')} | ${records.reduce((n, r) => n + r.leftoverProcesses, 0)} |`,
    );
  }
  const lost = report.resumes.filter((r) => r.lostMessages > 0);
  lines.push('', `Resumes: ${report.resumes.filter((r) => r.restoredFrom === 'state-file').length} restored from the state file, ${report.resumes.filter((r) => r.restoredFrom === 'fresh-start').length} fresh starts; ${lost.length} lost messages as guaranteed (kill -9 before the save): ${lost.map((r) => `${r.task} cycle ${r.cycle}: ${r.lostMessages}`).join(', ') || 'none'}.`, '');
  lines.push('### Fault plan', '', report.faultPlan.map((f) => `${f.task}: ${f.fault} in cycle ${f.cycle}`).join('; ') || 'none', '');
  if (report.violations.length > 0) {
    lines.push('### Violations', '');
    for (const v of report.violations.slice(0, 50)) lines.push(`- ${v.task}: ${v.message.slice(0, 500)}`);
    if (report.violations.length > 50) lines.push(`- … ${report.violations.length - 50} more`);
    lines.push('');
  }
  if (report.pending.length > 0) lines.push('### Pending at the deadline', '', ...report.pending.map((s) => `- ${s}`), '');
  if (report.orphans.length > 0) lines.push('### Orphaned processes', '', ...report.orphans.map((o) => `- ${o.pid}: ${o.argv.join(' ').slice(0, 200)}`), '');
  return lines.join('\n');
}
