// `npm run bench`: runs every benchmark (or those named on the command line)
// and prints one table of figures with targets and same-run baselines.
import os from 'node:os';
import { renderTable, type Benchmark, type Figure } from './harness.js';
import { agentapiBenchmarks } from './agentapi.bench.js';
import { stateBenchmarks } from './state.bench.js';
import { agentBenchmarks } from './agent.bench.js';
import { serverBenchmarks } from './server.bench.js';
import { npmStartBenchmarks } from './npm-start.bench.js';

const all: Benchmark[] = [...agentapiBenchmarks, ...stateBenchmarks, ...agentBenchmarks, ...serverBenchmarks, ...npmStartBenchmarks];
all.push(...(await import('./lifecycle.bench.js')).lifecycleBenchmarks);

const only = process.argv.slice(2);
const selected = only.length > 0 ? all.filter((b) => only.some((o) => b.name.includes(o))) : all;

const figures: Figure[] = [];
for (const bench of selected) {
  process.stderr.write(`bench: ${bench.name}…\n`);
  figures.push(...(await bench.run()));
}
console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
console.log(renderTable(figures));
