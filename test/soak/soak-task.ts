// One soak task and what the system promises about it. It drives the task
// through the Tasks API (create, converse, pause with an optional fault,
// resume) and checks, at every step, the conversation and the snapshot
// against what the task should hold:
// - `conversation`: the live conversation last observed;
// - `saved`: what AgentAPI's state file holds — the conversation of the last
//   pause whose SIGUSR1 save completed (agentapi.md §7.2: no autosave, so a
//   kill -9 before the save falls back to it, or to a fresh start without one);
// - `snapshot`: the stored log snapshot (server.md §5, §6.5).
// A broken promise is reported through `violate`; an operation that cannot
// go on (unexpected status, timeout) throws. It never repairs a task.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Task, TaskLogEntry, TaskLogs } from '../../src/server/tasks/protocol.js';
import { findWorkspaceProcesses } from '../../src/server/provisioner/processes.js';
import type { SoakServer } from './soak-server.js';
import { SLOW_MESSAGES_FLAG } from './templates.js';
import { fileFingerprint, findAgentapiServers, workspaceAgentToken } from './workspace-processes.js';

export const FAULT_KINDS = ['kill-agentapi', 'cp-unreachable', 'slow-messages'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The shutdown script posts at most this many messages (module.md §5.4). */
const SNAPSHOT_MESSAGES = 10;
const POLL_MS = 400;

/**
 * The shutdown script's path through module.md §5.4 for each kind of pause,
 * as lines of its output (in this order). A fault never gets as far as
 * `Log snapshot posted successfully`. The save step may also be skipped when
 * `agentapi --version` does not answer within its 5 s bound (lib.sh, on a
 * starved machine): then AgentAPI's own SIGTERM save (if the conversation
 * changed) is what keeps the conversation; such pauses are counted.
 */
const SAVED = /State saved to |Unable to determine agentapi version, skipping SIGUSR1/;
const SHUTDOWN_SCRIPT_PATH: Record<FaultKind | 'none', RegExp[]> = {
  none: [SAVED, /Log snapshot posted successfully \(HTTP 204\)/, /AgentAPI \(pid \d+\) exited/, /Shutdown complete/],
  // Killed before the SIGUSR1: nothing to signal, nothing to fetch.
  'kill-agentapi': [/AgentAPI \(pid \d+\) is not running/, /Failed to fetch messages from AgentAPI/, /Log snapshot capture failed, continuing shutdown/, /Shutdown complete/],
  'cp-unreachable': [SAVED, /Failed to connect to Coder instance \(curl failed\)/, /Log snapshot capture failed, continuing shutdown/, /AgentAPI \(pid \d+\) exited/, /Shutdown complete/],
  'slow-messages': [SAVED, /Failed to fetch messages from AgentAPI/, /Log snapshot capture failed, continuing shutdown/, /AgentAPI \(pid \d+\) exited/, /Shutdown complete/],
};

/** The output of the latest script run in a workspace (logs/coder-script-<log source>.log) whose output contains `marker`. */
function lastScriptOutput(logsDir: string, marker: RegExp): string | undefined {
  let latest: { mtime: number; text: string } | undefined;
  for (const name of readdirSync(logsDir)) {
    if (!name.startsWith('coder-script-')) continue;
    const file = path.join(logsDir, name);
    const text = readFileSync(file, 'utf8');
    if (!marker.test(text)) continue;
    const mtime = statSync(file).mtimeMs;
    if (!latest || mtime > latest.mtime) latest = { mtime, text };
  }
  return latest?.text;
}

export interface PauseRecord {
  task: string;
  cycle: number;
  fault: FaultKind | 'none';
  latencyMs: number;
  boundMs: number;
  /** The state file was replaced during the pause (a SIGUSR1 save completed). */
  stateSaved: boolean;
  snapshot: 'new' | 'unchanged' | 'none';
  /** Workspace processes found once the task was paused (must be 0). */
  leftoverProcesses: number;
  /** The shutdown script skipped SIGUSR1: `agentapi --version` did not answer within 5 s. */
  versionProbeFailed: boolean;
  /** The server's warnings for the stop build (e.g. the SIGTERM fallback, the grace-period kill). */
  stopJobWarnings: string[];
}

export interface ResumeRecord {
  task: string;
  cycle: number;
  latencyMs: number;
  /** Messages of the pre-pause conversation not restored (the system's guarantee does not cover them). */
  lostMessages: number;
  /** Restored from the state file, or a fresh start (no state file). */
  restoredFrom: 'state-file' | 'fresh-start';
}

export interface SoakTaskDeps {
  server: SoakServer;
  /** The pause bound (ms): the stop grace period plus slack. */
  pauseBoundMs: number;
  signal: AbortSignal;
  violate(task: string, message: string): void;
}

type Snapshot = { at: string; logs: TaskLogEntry[] };

const same = (a: TaskLogEntry, b: TaskLogEntry, withTime: boolean) =>
  a.id === b.id && a.type === b.type && a.content === b.content && (!withTime || a.time === b.time);
const describe = (entries: readonly TaskLogEntry[]) => JSON.stringify(entries.map((e) => `${e.id}:${e.type}:${e.content.trim().slice(0, 40)}`));

/** The first index where the lists differ, or -1 when equal. */
function firstDifference(actual: readonly TaskLogEntry[], expected: readonly TaskLogEntry[], withTime: boolean): number {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] === undefined || expected[i] === undefined || !same(actual[i]!, expected[i]!, withTime)) return i;
  }
  return -1;
}

export class SoakTask {
  workspaceId = '';
  conversation: TaskLogEntry[] = [];
  /** Greeting, prompt and its echo: what a fresh start (no state file) shows again. */
  initialTurns: TaskLogEntry[] = [];
  saved: TaskLogEntry[] | undefined;
  snapshot: Snapshot | undefined;
  /** What the task is doing (for the deadline report). */
  step = 'not started';
  private turn = 0;

  constructor(
    readonly name: string,
    readonly template: string,
    private readonly deps: SoakTaskDeps,
  ) {}

  private get server(): SoakServer {
    return this.deps.server;
  }

  private violate(message: string): void {
    this.deps.violate(this.name, message);
  }

  private async sleep(ms: number): Promise<void> {
    this.deps.signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, ms));
    this.deps.signal.throwIfAborted();
  }

  private async agentapiStatus(): Promise<string | undefined> {
    const answer = await this.server.call<{ status?: string }>('GET', `/api/v2/tasks/me/${this.name}/agentapi/status`);
    return answer.status === 200 ? answer.body.status : undefined;
  }

  /** Polls the live logs until AgentAPI is stable and `done(logs)` holds. */
  private async waitForLogs(what: string, done: (logs: TaskLogEntry[]) => boolean, timeoutMs: number): Promise<TaskLogEntry[]> {
    const deadline = Date.now() + timeoutMs;
    let last: TaskLogs | undefined;
    for (;;) {
      const answer = await this.server.call<TaskLogs>('GET', `/api/v2/tasks/me/${this.name}/logs`);
      if (answer.status === 200 && answer.body.snapshot === undefined) {
        last = answer.body;
        if (done(last.logs) && (await this.agentapiStatus()) === 'stable') {
          // Stable and complete: read once more, so the list returned is the settled one.
          const settled = await this.server.logs(this.name);
          if (settled.snapshot === undefined && done(settled.logs)) return settled.logs;
        }
      }
      if (Date.now() > deadline) throw new Error(`${this.name}: ${what} not reached within ${timeoutMs} ms; logs ${last ? describe(last.logs) : 'unavailable'}`);
      await this.sleep(POLL_MS);
    }
  }

  private isIdle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';

  async create(prompt: string): Promise<void> {
    this.step = 'creating';
    const answer = await this.server.call<Task>('POST', '/api/v2/tasks/me', { template: this.template, input: prompt, name: this.name });
    if (answer.status !== 201) throw new Error(`${this.name}: create answered ${answer.status} ${JSON.stringify(answer.body)}`);
    this.workspaceId = answer.body.workspace_id ?? '';
    await this.server.waitForTask(this.name, this.isIdle, 'active and idle', 300_000, this.deps.signal);
    const logs = await this.waitForLogs('greeting, prompt and echo', (l) => l.length >= 3, 120_000);
    const expected = [
      ['output', undefined],
      ['input', prompt],
      ['output', `Echo: ${prompt}`],
    ] as const;
    if (logs.length !== 3 || expected.some(([type, content], i) => logs[i]!.type !== type || (content !== undefined && logs[i]!.content.trim() !== content))) {
      this.violate(`after create: expected greeting, ${JSON.stringify(prompt)} and its echo, got ${describe(logs)}`);
    }
    this.conversation = logs;
    this.initialTurns = logs.slice(0, 3);
    this.step = 'created';
  }

  /** `turns` new user messages, each answered by its echo; the history before stays as it was. */
  async converse(turns: number, label: string): Promise<void> {
    for (let i = 0; i < turns; i++) {
      const input = `${this.name} ${label} turn ${++this.turn}`;
      this.step = `sending ${JSON.stringify(input)}`;
      const before = this.conversation;
      const sent = await this.server.call('POST', `/api/v2/tasks/me/${this.name}/send`, { input });
      if (sent.status !== 204) throw new Error(`${this.name}: send answered ${sent.status} ${JSON.stringify(sent.body)}`);
      const echo = `Echo: ${input}`;
      const logs = await this.waitForLogs(`echo of ${JSON.stringify(input)}`, (l) => l.at(-1)?.type === 'output' && l.at(-1)!.content.trim() === echo, 120_000);
      const diff = firstDifference(logs.slice(0, before.length), before, true);
      if (diff >= 0) this.violate(`${label}: history changed at entry ${diff} while conversing: before ${describe(before)}, now ${describe(logs)}`);
      const added = logs.slice(before.length);
      if (added.length !== 2 || added[0]!.type !== 'input' || added[0]!.content.trim() !== input || added[0]!.id !== before.length || added[1]!.id !== before.length + 1) {
        this.violate(`${label}: expected exactly ${JSON.stringify(input)} and its echo after ${before.length} entries, got ${describe(added)}`);
      }
      this.conversation = logs;
    }
    this.step = `conversed (${label})`;
  }

  async pause(cycle: number, fault: FaultKind | 'none'): Promise<PauseRecord> {
    const label = `cycle ${cycle} pause${fault === 'none' ? '' : ` (${fault})`}`;
    this.step = label;
    const prePause = await this.server.logs(this.name);
    if (prePause.snapshot !== undefined) throw new Error(`${this.name}: ${label}: task is not live before the pause`);
    const drift = firstDifference(prePause.logs, this.conversation, true);
    if (drift >= 0) this.violate(`${label}: the live conversation changed by itself before the pause (entry ${drift}): ${describe(prePause.logs)}`);
    const home = this.server.homeOf(this.workspaceId);
    const stateFile = path.join(home, '.agentapi', 'state.json');
    const stateBefore = fileFingerprint(stateFile);

    let cutToken: string | undefined;
    if (fault === 'slow-messages') writeFileSync(path.join(home, SLOW_MESSAGES_FLAG), 'soak\n');
    if (fault === 'cp-unreachable') {
      cutToken = workspaceAgentToken(this.workspaceId);
      if (cutToken === undefined) throw new Error(`${this.name}: ${label}: no agent token found in the workspace's processes`);
      this.server.proxy.cutToken(cutToken);
    }
    const started = performance.now();
    let latencyMs: number;
    let buildId: string;
    try {
      const answer = await this.server.call<{ workspace_build_id: string }>('POST', `/api/experimental/tasks/me/${this.name}/pause`);
      if (answer.status !== 202) throw new Error(`${this.name}: ${label}: pause answered ${answer.status} ${JSON.stringify(answer.body)}`);
      buildId = answer.body.workspace_build_id;
      if (fault === 'kill-agentapi') {
        const pids = findAgentapiServers(this.workspaceId);
        if (pids.length !== 1) this.violate(`${label}: expected one agentapi server process of the workspace, found ${pids.length}`);
        for (const pid of pids) process.kill(pid, 'SIGKILL');
      }
      // Wait past the bound, so an overrun is reported with its size instead of as a timeout.
      await this.server.waitForTask(this.name, (t) => t.status === 'paused' || t.status === 'error', 'paused', this.deps.pauseBoundMs + 60_000, this.deps.signal);
      latencyMs = performance.now() - started;
    } finally {
      if (cutToken !== undefined) this.server.proxy.restoreToken(cutToken);
      rmSync(path.join(home, SLOW_MESSAGES_FLAG), { force: true });
    }
    const task = await this.server.task(this.name);
    if (task.status !== 'paused') this.violate(`${label}: ended ${task.status}, not paused`);
    if (latencyMs > this.deps.pauseBoundMs) this.violate(`${label}: took ${Math.round(latencyMs)} ms, bound ${this.deps.pauseBoundMs} ms`);
    const leftovers = findWorkspaceProcesses(this.workspaceId);
    if (leftovers.length > 0) this.violate(`${label}: ${leftovers.length} workspace process(es) left after the pause: ${leftovers.join(', ')}`);

    const output = lastScriptOutput(this.logsDir, /Shutting down AgentAPI/) ?? '';
    const versionProbeFailed = output.includes('Unable to determine agentapi version');
    // The state file: replaced by the SIGUSR1 save (or AgentAPI's SIGTERM save), except when AgentAPI was killed first.
    const stateSaved = fileFingerprint(stateFile) !== stateBefore;
    if (fault !== 'kill-agentapi' && !stateSaved && !versionProbeFailed) this.violate(`${label}: AgentAPI's state file was not saved during the pause`);
    if (stateSaved) this.saved = prePause.logs;

    const snapshot = await this.checkSnapshot(label, fault, prePause.logs);
    // kill -9 after the save (a lost race, reported as stateSaved) takes a path of its own: not checked.
    if (!(fault === 'kill-agentapi' && stateSaved)) this.checkShutdownScript(label, fault, output);
    this.step = `${label}: done`;
    const stopJobWarnings = this.server.proc
      .logs()
      .filter((l) => l.build_id === buildId && l.level !== 'info')
      .map((l) => String(l.msg));
    // §4.4.5: an agent that cannot be told gets SIGTERM after 10 s; that is how this pause still ends.
    if (fault === 'cp-unreachable' && !stopJobWarnings.some((m) => m.includes('sending SIGTERM'))) this.violate(`${label}: the stop job did not fall back to SIGTERM: ${JSON.stringify(stopJobWarnings)}`);
    return { task: this.name, cycle, fault, latencyMs, boundMs: this.deps.pauseBoundMs, stateSaved, snapshot, leftoverProcesses: leftovers.length, versionProbeFailed, stopJobWarnings };
  }

  private get logsDir(): string {
    return path.join(this.server.dataDir, 'workspaces', this.workspaceId, 'logs');
  }

  private checkShutdownScript(label: string, fault: FaultKind | 'none', output: string): void {
    if (output === '') {
      this.violate(`${label}: no output of the shutdown script found`);
      return;
    }
    let from = 0;
    for (const line of SHUTDOWN_SCRIPT_PATH[fault]) {
      const match = line.exec(output.slice(from));
      if (!match) {
        this.violate(`${label}: shutdown script output lacks ${line.source} (in order): ${JSON.stringify(output.slice(-1500))}`);
        return;
      }
      from += match.index + match[0].length;
    }
    if (fault !== 'none' && output.includes('Log snapshot posted successfully')) this.violate(`${label}: the shutdown script posted a snapshot despite ${fault}`);
  }

  /**
   * A clean pause stores a new snapshot: the last ≤ 10 messages before the
   * pause. Each fault stops the shutdown script's capture before its POST
   * (nothing to fetch / fetch timed out / POST cannot connect), so the
   * stored snapshot stays what it was — the previous pause's, or none.
   */
  private async checkSnapshot(label: string, fault: FaultKind | 'none', prePause: TaskLogEntry[]): Promise<PauseRecord['snapshot']> {
    const stored = await this.server.logs(this.name);
    if (stored.snapshot !== true) {
      this.violate(`${label}: paused task's logs are not a snapshot: ${JSON.stringify(stored).slice(0, 200)}`);
      return 'none';
    }
    if (fault === 'none') {
      const tail = prePause.slice(-SNAPSHOT_MESSAGES);
      if (stored.snapshot_at === undefined) this.violate(`${label}: no snapshot_at: no snapshot was stored`);
      else if (this.snapshot && Date.parse(stored.snapshot_at) <= Date.parse(this.snapshot.at)) this.violate(`${label}: snapshot_at ${stored.snapshot_at} did not advance from ${this.snapshot.at}`);
      const diff = firstDifference(stored.logs, tail, true);
      if (diff >= 0) this.violate(`${label}: snapshot differs from the last ${tail.length} messages at entry ${diff}: ${describe(stored.logs)} vs ${describe(tail)}`);
      this.snapshot = { at: stored.snapshot_at ?? '', logs: stored.logs };
      return 'new';
    }
    if (this.snapshot === undefined) {
      if (stored.snapshot_at !== undefined || stored.logs.length > 0) this.violate(`${label}: expected no snapshot, got ${stored.logs.length} entries at ${stored.snapshot_at}`);
      return 'none';
    }
    if (stored.snapshot_at !== this.snapshot.at) this.violate(`${label}: expected the previous snapshot (${this.snapshot.at}) to stay, got snapshot_at ${stored.snapshot_at}`);
    const diff = firstDifference(stored.logs, this.snapshot.logs, true);
    if (diff >= 0) this.violate(`${label}: the previous snapshot changed at entry ${diff}`);
    return 'unchanged';
  }

  async resume(cycle: number): Promise<ResumeRecord> {
    // The conversation is still the pre-pause one: pausing never changes it.
    const prePauseLength = this.conversation.length;
    const label = `cycle ${cycle} resume`;
    this.step = label;
    const started = performance.now();
    const answer = await this.server.call('POST', `/api/experimental/tasks/me/${this.name}/resume`);
    if (answer.status !== 202) throw new Error(`${this.name}: ${label}: resume answered ${answer.status} ${JSON.stringify(answer.body)}`);
    await this.server.waitForTask(this.name, (t) => t.status === 'active', 'active', 300_000, this.deps.signal);
    // Without a state file AgentAPI starts afresh and sends the task's prompt again.
    const restoredFrom = this.saved ? 'state-file' : 'fresh-start';
    const expected = this.saved ?? this.initialTurns;
    const logs = await this.waitForLogs(`restored conversation (${expected.length} entries)`, (l) => l.length >= expected.length, 120_000);
    const latencyMs = performance.now() - started;
    const diff = firstDifference(logs, expected, restoredFrom === 'state-file');
    if (diff >= 0) {
      // The start script says whether AgentAPI got its state file (module.md §5.2 step 11).
      const start = lastScriptOutput(this.logsDir, /[Ss]tate persistence/) ?? '';
      const persistence = start.split('\n').filter((l) => /persistence|agentapi version/i.test(l));
      this.violate(`${label}: restored conversation (${restoredFrom}) differs at entry ${diff}: ${describe(logs)} vs expected ${describe(expected)}; start script: ${JSON.stringify(persistence)}`);
    }
    this.conversation = logs;
    this.step = `resumed (cycle ${cycle})`;
    return { task: this.name, cycle, latencyMs, lostMessages: Math.max(0, prePauseLength - expected.length), restoredFrom };
  }

  async remove(): Promise<void> {
    this.step = 'deleting';
    const answer = await this.server.call('DELETE', `/api/v2/tasks/me/${this.name}`);
    if (answer.status !== 202) throw new Error(`${this.name}: delete answered ${answer.status} ${JSON.stringify(answer.body)}`);
    this.step = 'deleted';
  }
}
