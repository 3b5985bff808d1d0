// The soak's one control plane: a real `taskyard server` process (the
// package bin, its own embedded PostgreSQL, the built-in `demo` template plus
// the soak's `soakslow` in a temp --templates-dir) whose --access-url is the
// ControlPlaneProxy, so agents reach it only through the proxy while the soak
// itself talks to it directly. It owns the run directory and the server
// process; `stop()` ends the server with SIGTERM (SIGKILL after 30 s). It
// never stops workspaces itself: that is the soak's job (by deleting tasks),
// so leftovers show up as findings instead of being hidden.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Task, TaskLogs } from '../../src/server/tasks/protocol.js';
import { startTaskyard, type TaskyardProcess } from '../helpers/taskyard-process.js';
import { ControlPlaneProxy } from './control-plane-proxy.js';
import { slowMessagesTemplateSource } from './templates.js';
import { rssBytes } from './workspace-processes.js';

export interface SoakServerOptions {
  /** `--stop-grace-period`, in seconds. */
  stopGracePeriodS: number;
  /** A marker put into the server's environment (NAME=value) to find its leftovers. */
  runMarker: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export class SoakServer {
  private constructor(
    readonly root: string,
    readonly dataDir: string,
    readonly proc: TaskyardProcess,
    readonly url: string,
    readonly token: string,
    readonly proxy: ControlPlaneProxy,
  ) {}

  static async start(options: SoakServerOptions): Promise<SoakServer> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'taskyard-soak-'));
    // As root the embedded PostgreSQL runs as `postgres`, which must traverse the dir.
    chmodSync(root, 0o755);
    const templatesDir = path.join(root, 'templates');
    mkdirSync(templatesDir);
    writeFileSync(path.join(templatesDir, 'soakslow.ts'), slowMessagesTemplateSource(process.execPath));
    const dataDir = path.join(root, 'data');
    const proxy = await ControlPlaneProxy.start();
    const port = await freePort();
    // Workspace ports (agentapi, the forwarder) are kept across pause and resume: a block of 200 above the
    // kernel's ephemeral range (32768-60999) and other test files' ranges, so nothing else takes them meanwhile.
    const base = 61_000 + (process.pid % 20) * 200;
    const [name, value] = options.runMarker.split('=') as [string, string];
    const proc = startTaskyard(
      [
        'server',
        '--address', `127.0.0.1:${port}`,
        '--access-url', proxy.url,
        '--data-dir', dataDir,
        '--templates-dir', templatesDir,
        '--stop-grace-period', `${options.stopGracePeriodS}s`,
        '--task-idle-timeout', '0',
        '--port-range', `${base}-${base + 199}`,
        '--log-level', 'warn',
      ],
      { [name]: value },
    );
    proxy.setTarget('127.0.0.1', port);
    const url = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (proc.child.exitCode !== null) throw new Error(`taskyard server exited: ${proc.stderr}`);
        const token = /Session token: (\S+)/.exec(proc.stdout)?.[1];
        const healthy = token !== undefined && (await fetch(`${url}/healthz`).then((r) => r.ok, () => false));
        if (healthy) return new SoakServer(root, dataDir, proc, url, token, proxy);
        if (Date.now() > deadline) throw new Error(`taskyard server did not start: ${proc.stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (err) {
      await proc.stop('SIGKILL');
      await proxy.close();
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  get pid(): number {
    return this.proc.child.pid!;
  }

  /** The home directory of a workspace (server.md §4.4.4). */
  homeOf(workspaceId: string): string {
    return path.join(this.dataDir, 'workspaces', workspaceId, 'home');
  }

  rss(): number | undefined {
    return rssBytes(this.pid);
  }

  async call<T = unknown>(method: string, pathname: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.url}${pathname}`, {
      method,
      headers: { 'Coder-Session-Token': this.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T };
  }

  async task(name: string): Promise<Task> {
    const answer = await this.call<Task>('GET', `/api/v2/tasks/me/${name}`);
    if (answer.status !== 200) throw new Error(`GET task ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async logs(name: string): Promise<TaskLogs> {
    const answer = await this.call<TaskLogs>('GET', `/api/v2/tasks/me/${name}/logs`);
    if (answer.status !== 200) throw new Error(`GET logs ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * Follows the task's watch stream (§6.3: the Task at connect and on every
   * change) until `check` holds; rejects after `timeoutMs` or when `signal` aborts.
   */
  async waitForTask(name: string, check: (t: Task) => boolean, what: string, timeoutMs: number, signal?: AbortSignal): Promise<Task> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new Error(`task ${name} never ${what} within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => stop.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let last: Task | undefined;
    try {
      for (;;) {
        stop.signal.throwIfAborted();
        try {
          const response = await fetch(`${this.url}/api/v2/tasks/me/${name}/watch`, { headers: { 'Coder-Session-Token': this.token }, signal: stop.signal });
          if (response.status !== 200 || !response.body) throw new Error(`watch ${name}: ${response.status}`);
          const decoder = new TextDecoder();
          let buffer = '';
          for await (const chunk of response.body) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
              const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
              buffer = buffer.slice(end + 2);
              if (data === undefined) continue;
              last = JSON.parse(data) as Task;
              if (check(last)) return last;
            }
          }
        } catch (err) {
          if (stop.signal.aborted) throw err;
          // The stream broke (e.g. the server is busy): reopen it.
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } catch (err) {
      if (stop.signal.aborted) {
        const reason = stop.signal.reason as Error;
        throw new Error(`${reason.message}; last: ${last ? `${last.status}/${last.current_state?.state ?? '-'}` : 'none'}`, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  /** SIGTERM (server.md §1.2.2: it stops its embedded PostgreSQL), SIGKILL after 30 s. */
  async stop(): Promise<void> {
    const exited = this.proc.stop('SIGTERM');
    const timer = setTimeout(() => this.proc.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    await this.proxy.close();
  }

  removeRunDir(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
