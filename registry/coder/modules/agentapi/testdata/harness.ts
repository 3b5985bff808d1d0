// Test support for the agentapi module tests (test/module-*.test.ts): a
// sandbox (temp HOME, a bin dir whose `agentapi` execs the package's real
// bin, first on PATH), free loopback ports, bash runs with collected output,
// a recording HTTP server standing in for the control plane, and the FAKE
// AgentAPI of testdata/agentapi.fake.mjs. Everything it starts is killed and
// every temp dir removed by `cleanup()`; it holds no module logic.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentapiModule, type AgentapiModuleOptions, type TemplateContext } from '../../../../../templates/agentapi-module.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const SCRIPTS_DIR = path.join(REPO_ROOT, 'registry', 'coder', 'modules', 'agentapi', 'scripts');
export const AGENTAPI_JS = path.join(REPO_ROOT, 'bin', 'agentapi.js');
export const FAKE_AGENTAPI = fileURLToPath(new URL('./agentapi.fake.mjs', import.meta.url));
export const TASK_ID = '5b1d2c3e-4f50-4a6b-9c7d-8e9f0a1b2c3d';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `predicate` holds (polling), or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const handedOut = new Set<number>();

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** An ephemeral loopback port nobody listens on, never handed out twice in a process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createTcpServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    if (handedOut.has(port) || (await portAnswers(port))) continue;
    handedOut.add(port);
    return port;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** /proc/<pid>/cmdline with NULs as spaces ("" when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

export type Answer = { status: number; body?: string } | 'hang' | 'destroy';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** A small HTTP server recording every request (the control plane stand-in). */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private readonly server: Server;

  private constructor(answer: (req: RecordedRequest) => Answer) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: Buffer.concat(chunks),
          at: Date.now(),
        };
        this.requests.push(recorded);
        const a = answer(recorded);
        if (a === 'hang') return;
        if (a === 'destroy') return void req.socket.destroy();
        res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? '');
      });
    });
  }

  static async start(answer: (req: RecordedRequest) => Answer = () => ({ status: 204 })): Promise<RecordingServer> {
    const rec = new RecordingServer(answer);
    await new Promise<void>((resolve) => rec.server.listen(0, '127.0.0.1', resolve));
    rec.url = `http://127.0.0.1:${(rec.server.address() as AddressInfo).port}`;
    return rec;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface FakeAgentApiOptions {
  messages?: unknown;
  mode?: 'serve' | 'stall' | 'invalid';
  ignoreTerm?: boolean;
  stateFile?: string;
}

/** A temp HOME + bin dir; tracks processes and servers for cleanup. */
export class Sandbox {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'agentapi-module-'));
  readonly home = path.join(this.root, 'home');
  readonly bin = path.join(this.root, 'bin');
  private readonly groups = new Set<number>();
  private readonly pidFiles = new Set<string>();
  private readonly children = new Set<ChildProcess>();
  private readonly servers = new Set<RecordingServer>();

  constructor() {
    mkdirSync(this.home, { recursive: true });
    mkdirSync(this.bin, { recursive: true });
    this.writeAgentapi();
    // agentapiModule's default PID file for this HOME (server.md §4.2.4).
    this.trackPidFile(path.join(this.home, '.agentapi', 'agentapi.pid'));
  }

  /** Cleanup kills the AgentAPI whose PID this file holds (when its cmdline says agentapi). */
  trackPidFile(file: string): void {
    this.pidFiles.add(file);
  }

  /** (Re)writes bin/agentapi: the real bin, or a fake `--version` answer in front of it. */
  writeAgentapi(version?: { output: string; code?: number }): void {
    const lines = ['#!/bin/sh'];
    if (version) {
      lines.push(`if [ "$1" = "--version" ]; then printf '%s' '${version.output}'; exit ${version.code ?? 0}; fi`);
    }
    lines.push(`exec ${JSON.stringify(process.execPath)} ${JSON.stringify(AGENTAPI_JS)} "$@"`);
    writeFileSync(path.join(this.bin, 'agentapi'), `${lines.join('\n')}\n`);
    chmodSync(path.join(this.bin, 'agentapi'), 0o755);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, HOME: this.home, PATH: `${this.bin}:${process.env.PATH ?? ''}`, TMPDIR: this.root, ...extra };
  }

  /** A PATH with the sandbox bin and every command of /usr/bin and /bin except `missing`. */
  pathWithout(missing: string[]): string {
    const farm = path.join(this.root, `path-without-${missing.join('-')}`);
    mkdirSync(farm, { recursive: true });
    for (const dir of ['/usr/bin', '/bin']) {
      for (const name of existsSync(dir) ? readdirSync(dir) : []) {
        if (missing.includes(name) || existsSync(path.join(farm, name))) continue;
        symlinkSync(path.join(dir, name), path.join(farm, name));
      }
    }
    return `${this.bin}:${farm}`;
  }

  /** The module's context for this sandbox (task optional). */
  context(port: number, task = true): TemplateContext {
    return {
      task: task ? { id: TASK_ID, name: 'module-test', prompt: '' } : null,
      workspace: { id: 'ws-id', name: 'ws', build_number: 1 },
      owner: { id: 'owner-id', username: 'tester', email: '' },
      home_dir: this.home,
      ports: { agentapi: port },
      access_url: 'http://127.0.0.1:1',
    };
  }

  /** The two rendered wrappers of agentapiModule for this sandbox. */
  wrappers(port: number, opts: Partial<AgentapiModuleOptions> = {}, task = true): { start: string; shutdown: string } {
    const out = agentapiModule(this.context(port, task), {
      web_app_slug: 'agentapi',
      web_app_display_name: 'AgentAPI',
      module_dir_name: '.agentapi-module',
      folder: path.join(this.home, 'work'),
      start_script: '#!/bin/bash\nset -euo pipefail\nexec agentapi server --port "$2" -- agentapi demo-agent --echo --think-ms 50\n',
      ...opts,
    });
    if (opts.pid_file_path) this.trackPidFile(opts.pid_file_path);
    return { start: out.scripts[0]!.script, shutdown: out.scripts[1]!.script };
  }

  /** Runs `script` with bash; resolves with its exit code and output. */
  run(script: string, env: NodeJS.ProcessEnv = this.env(), timeoutMs = 60_000): Promise<RunResult> {
    const file = path.join(this.root, `script-${Date.now()}-${Math.random().toString(16).slice(2)}.sh`);
    writeFileSync(file, script);
    const child = spawn('bash', [file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    const result: RunResult = { code: null, stdout: '', stderr: '', output: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => ((result.stdout += d), (result.output += d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => ((result.stderr += d), (result.output += d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    return new Promise((resolve) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        this.children.delete(child);
        result.code = code;
        resolve(result);
      });
    });
  }

  /**
   * Starts a process in its own process group (e.g. `sleep` whose PID a test
   * reuses); cleanup kills the whole group, children included.
   */
  spawnTracked(command: string, args: string[], env: NodeJS.ProcessEnv = this.env()): ChildProcess {
    const child = spawn(command, args, { env, stdio: 'ignore', detached: true });
    if (child.pid !== undefined) this.groups.add(child.pid);
    return child;
  }

  /** Starts the FAKE AgentAPI; resolves with its PID once its PID file exists. */
  async startFake(port: number, pidFile: string, options: FakeAgentApiOptions = {}): Promise<{ pid: number; events: () => string[] }> {
    const eventsFile = path.join(this.root, `fake-events-${port}.log`);
    const messagesFile = path.join(this.root, `fake-messages-${port}.json`);
    writeFileSync(eventsFile, '');
    writeFileSync(messagesFile, JSON.stringify({ messages: options.messages ?? [] }));
    mkdirSync(path.dirname(pidFile), { recursive: true });
    this.trackPidFile(pidFile);
    this.spawnTracked(process.execPath, [FAKE_AGENTAPI], {
      ...this.env(),
      FAKE_PORT: String(port),
      FAKE_PID_FILE: pidFile,
      FAKE_EVENTS_FILE: eventsFile,
      FAKE_MESSAGES_FILE: messagesFile,
      FAKE_MESSAGES_MODE: options.mode ?? 'serve',
      FAKE_STATE_FILE: options.stateFile ?? '',
      FAKE_IGNORE_TERM: options.ignoreTerm ? '1' : '0',
    });
    await waitFor(() => readFileSync(eventsFile, 'utf8').includes('READY'), 'the fake agentapi to listen');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const events = () =>
      readFileSync(eventsFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    return { pid, events };
  }

  async server(answer?: (req: RecordedRequest) => Answer): Promise<RecordingServer> {
    const server = await RecordingServer.start(answer);
    this.servers.add(server);
    return server;
  }

  /** Kills everything started here (also AgentAPIs found in PID files) and removes the sandbox. */
  async cleanup(): Promise<void> {
    const pids = new Set(this.groups);
    for (const group of this.groups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const file of this.pidFiles) {
      const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
      if (Number.isInteger(pid) && pid > 0 && cmdline(pid).includes('agentapi')) pids.add(pid);
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const child of this.children) child.kill('SIGKILL');
    await Promise.all([...this.servers].map((s) => s.close()));
    await waitFor(() => [...pids].every((pid) => !isAlive(pid)), 'sandbox processes to exit', 5_000).catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}
