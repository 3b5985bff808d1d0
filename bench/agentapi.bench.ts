// agentapi figures (issue 2): /messages latency under a send, idle CPU,
// terminal ingest throughput, and memory at 1,000 messages. Each is reported
// next to a baseline measured in the same run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pty from '@lydell/node-pty';
import { percentile, type Benchmark, type Figure } from './harness.js';
import { AGENTAPI_BIN, startBenchAgent, syntheticConversation, waitForStable } from './agentapi-session.js';
import { ConversationEngine } from '../src/agentapi/conversation/engine.js';
import { PtyAgentTerminal } from '../src/agentapi/terminal/agent-terminal.js';
import { AgentProcess } from '../src/agentapi/terminal/pty-process.js';
import { TerminalScreen } from '../src/agentapi/terminal/screen.js';
import { silentLogger } from '../src/agentapi/log.js';

const demoAgent = [process.execPath, AGENTAPI_BIN, 'demo-agent'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sequential GETs of `url` until `until` resolves; latencies in ms. */
async function sampleLatencies(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const samples: number[] = [];
  while (!done) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  return samples;
}

const messagesLatency: Benchmark = {
  name: 'agentapi GET /messages latency (1,000 messages, POST in flight)',
  async run() {
    const agent = await startBenchAgent(demoAgent, syntheticConversation(1000));
    const samples: number[] = [];
    try {
      await waitForStable(agent.base);
      for (let i = 0; i < 5; i++) {
        const post = fetch(`${agent.base}/message`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content: `bench message ${i}`, type: 'user' }),
        }).then((r) => r.arrayBuffer());
        samples.push(...(await sampleLatencies(`${agent.base}/messages`, post)));
        await waitForStable(agent.base);
      }
    } finally {
      await agent.close();
    }
    // Baseline: a bare node:http server answering the same bytes, same client.
    const body = JSON.stringify({ messages: syntheticConversation(1000) });
    const bare = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
    const base: number[] = [];
    for (let i = 0; i < samples.length; i++) {
      const t0 = performance.now();
      await (await fetch(bareUrl)).arrayBuffer();
      base.push(performance.now() - t0);
    }
    bare.close();
    samples.sort((a, b) => a - b);
    base.sort((a, b) => a - b);
    const p99 = percentile(samples, 99);
    return [
      {
        name: `GET /messages p50 (${samples.length} samples)`,
        value: percentile(samples, 50),
        unit: 'ms',
        baseline: { name: 'bare node:http, same body', value: percentile(base, 50) },
      },
      {
        name: `GET /messages p99 (${samples.length} samples)`,
        value: p99,
        unit: 'ms',
        target: '< 20 ms',
        meetsTarget: p99 < 20,
        baseline: { name: 'bare node:http, same body', value: percentile(base, 99) },
      },
    ];
  },
};

function cpuTicks(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat: utime and stime in clock ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const TICKS_PER_SECOND = 100;

async function idleCpuPercent(args: string[], settle: () => Promise<void>, seconds: number): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  try {
    await settle();
    const before = cpuTicks(child.pid!);
    await sleep(seconds * 1000);
    const after = cpuTicks(child.pid!);
    return ((after - before) / TICKS_PER_SECOND / seconds) * 100;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const idleCpu: Benchmark = {
  name: 'agentapi idle CPU',
  async run() {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const value = await idleCpuPercent(
      [AGENTAPI_BIN, 'server', '--port', String(port), '--', ...demoAgent],
      async () => {
        await sleep(1000);
        await waitForStable(`http://127.0.0.1:${port}`);
      },
      10,
    );
    const baseline = await idleCpuPercent(
      ['-e', "require('http').createServer(() => {}).listen(0)"],
      () => sleep(1000),
      10,
    );
    return [
      {
        name: 'idle CPU of agentapi server (quiet agent, 10 s)',
        value,
        unit: '% core',
        target: '< 1 %',
        meetsTarget: value < 1,
        baseline: { name: 'idle bare node:http server', value: baseline },
      },
    ];
  },
};

const INGEST_BYTES = 32 * 1024 * 1024;
// A writer that prints INGEST_BYTES of 79-character lines as fast as it can.
const WRITER = `const line = 'x'.repeat(79) + '\\n'; const chunk = line.repeat(800); let left = ${INGEST_BYTES};
function go() { while (left > 0) { left -= chunk.length; if (!process.stdout.write(chunk)) { process.stdout.once('drain', go); return; } } }
go();`;

async function rawPtyThroughput(): Promise<number> {
  const t0 = performance.now();
  const p = pty.spawn(process.execPath, ['-e', WRITER], { cols: 80, rows: 1000 });
  let bytes = 0;
  p.onData((d) => (bytes += d.length));
  await new Promise((r) => p.onExit(r));
  return bytes / ((performance.now() - t0) / 1000);
}

async function engineThroughput(): Promise<number> {
  // The emulator starts with the session, long before an agent prints 32 MiB;
  // its thread's start-up (module loading, and under tsx the TypeScript
  // loader) is a per-session constant, not ingest, so it runs before the clock.
  const screen = new TerminalScreen(80, 1000);
  await screen.flush();
  const t0 = performance.now();
  const proc = AgentProcess.spawn({ command: [process.execPath, '-e', WRITER], cols: 80, rows: 1000 });
  let bytes = 0;
  proc.onData((d) => (bytes += d.length));
  const terminal = new PtyAgentTerminal(proc, screen);
  const engine = new ConversationEngine({ agentType: 'custom', terminal, logger: silentLogger() });
  engine.start();
  await proc.exited;
  // Everything received must be parsed and turned into a message: wait until
  // the engine has taken its snapshot of the final screen (it derives the
  // message in the same step). Not "until message 0's time changes": when the
  // engine keeps up, an earlier snapshot can already yield the final text, the
  // time then never changes again and the wait would hang.
  const final = await screen.read();
  while (engine.screen !== final) await sleep(5);
  const seconds = (performance.now() - t0) / 1000;
  engine.stop();
  proc.close();
  await screen.dispose();
  return bytes / seconds;
}

const ingest: Benchmark = {
  name: 'agentapi terminal ingest',
  async run() {
    const baseline = await rawPtyThroughput();
    const value = await engineThroughput();
    const mb = (n: number) => n / 1e6;
    return [
      {
        name: 'ingest PTY → emulator → conversation (32 MiB)',
        value: mb(value),
        unit: 'MB/s',
        target: '≥ 30 MB/s',
        meetsTarget: mb(value) >= 30,
        baseline: { name: 'raw PTY read, no emulator', value: mb(baseline) },
      },
    ];
  },
};

async function rssOf(messages: number): Promise<number> {
  // A fresh process per figure, so earlier benchmarks do not pollute the heap.
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./rss-probe.ts', import.meta.url).pathname, String(messages)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  await new Promise((r) => child.once('exit', r));
  return Number(out.trim()) / 2 ** 20;
}

const rss: Benchmark = {
  name: 'agentapi RSS',
  async run() {
    const baseline = await rssOf(0);
    const value = await rssOf(1000);
    return [
      {
        name: 'RSS with a 1,000-message conversation',
        value,
        unit: 'MiB',
        baseline: { name: 'RSS with a fresh conversation', value: baseline },
      },
    ];
  },
};

export const agentapiBenchmarks: Benchmark[] = [messagesLatency, idleCpu, ingest, rss];
export type { Figure };
