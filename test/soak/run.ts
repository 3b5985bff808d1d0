// `npm run soak [-- --seed N --tasks N --cycles N --faults N --min-concurrency N --grace S --deadline-min M --no-write]`:
// the full lifecycle soak (50 tasks, 3 cycles, 3 faults of each kind by
// default). Progress goes to stderr; the run's section is appended to
// bench/results/<YYYY-MM-DD>.md (created with the fault descriptions and the
// machine's description when new), and the exit code is 0 only if it passed.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomSeed } from './prng.js';
import { FAULT_BEHAVIOUR, machineDescription, renderRunSection } from './report.js';
import { FULL_SOAK, runSoak } from './soak.js';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    tasks: { type: 'string' },
    cycles: { type: 'string' },
    faults: { type: 'string' },
    'min-concurrency': { type: 'string' },
    grace: { type: 'string' },
    'deadline-min': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));

const options = {
  ...FULL_SOAK,
  seed: num(values.seed, randomSeed()),
  tasks: num(values.tasks, FULL_SOAK.tasks),
  cycles: num(values.cycles, FULL_SOAK.cycles),
  faultsPerKind: num(values.faults, FULL_SOAK.faultsPerKind),
  minConcurrency: num(values['min-concurrency'], FULL_SOAK.minConcurrency),
  stopGracePeriodS: num(values.grace, FULL_SOAK.stopGracePeriodS),
  deadlineMs: num(values['deadline-min'], FULL_SOAK.deadlineMs / 60_000) * 60_000,
  log: (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`),
};

const report = await runSoak(options);
const file = path.join(RESULTS_DIR, `${report.startedAt.slice(0, 10)}.md`);
const header = [
  `# Lifecycle soak, ${report.startedAt.slice(0, 10)}`,
  '',
  `Machine: ${machineDescription()}.`,
  '',
  'Each run: `npm run soak` (test/soak/). First one task pauses and resumes alone three times (the figures\' same-run baseline). Then every task is created and converses,',
  'and each cycle pauses it, resumes it and converses again; each phase runs at a random concurrency (seeded; the replay command is in each run\'s section).',
  'Asserted for every pause: the task reaches `paused` within the bound, no process of its workspace is left, AgentAPI\'s state file was saved (except when AgentAPI was killed first),',
  'the shutdown script\'s output shows the path of module.md §5.4 expected for the kind of pause (below), a fault never posts a snapshot,',
  'and a clean pause stores a new snapshot (snapshot_at advanced) equal to the last ≤ 10 messages before it; after every resume the live conversation equals the pre-pause one',
  '(same ids, types, contents and times) and every later turn appends exactly the input and its echo. At the end every task is paused once more (checked like any',
  'other pause) and deleted; then no workspace process may be left, the server is',
  'stopped, and no process of the run (workspace processes, the server, its embedded PostgreSQL) alive; the server\'s RSS after the last cycle is at most the stated factor of',
  'its RSS after all tasks were created.',
  '',
  'Faults, and the rule asserted for each:',
  '',
  ...Object.entries(FAULT_BEHAVIOUR).map(([kind, text]) => `- **${kind}**: ${text}`),
  '',
].join('\n');
const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
const runNumber = (existing?.match(/^## Run \d+/gm)?.length ?? 0) + 1;
const section = renderRunSection(report, `Run ${runNumber}`);
if (values['no-write']) {
  process.stdout.write(`${section}\n`);
} else {
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (existing === undefined) writeFileSync(file, `${header}\n`);
  appendFileSync(file, `${section}\n`);
  process.stdout.write(`${section}\nreport: ${path.relative(process.cwd(), file)}\n`);
}
process.exitCode = report.passed ? 0 : 1;
