// `agentapi attach` end to end: a real `agentapi server` running the demo
// agent, and the real bin's `attach` inside a real PTY whose output a
// headless xterm renders, so assertions are about what the user sees.
// Every PTY, server and process started here is stopped after each test.
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTAPI_BIN, PROJECT_ROOT, startAgentApi, stopAllAgentApis, type AgentApiProcess } from './helpers/agentapi-process.js';

const COLS = 100;
const ROWS = 30;
const GREETING = "Hello! I'm the taskyard demo agent. Send me a message and I'll echo it back.";
const ENTER_ALT = '\x1b[?1049h';
const LEAVE_ALT = '\x1b[?1049l';

interface PtyExit {
  exitCode: number;
  signal?: number | undefined;
}

/** `agentapi attach` in a PTY, rendered by a headless xterm of the same size. */
class AttachPty {
  raw = '';
  readonly exited: Promise<PtyExit>;
  private readonly term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  private readonly pty: IPty;
  private running = true;

  constructor(url: string) {
    this.pty = spawnPty(process.execPath, [AGENTAPI_BIN, 'attach', '--url', url], {
      name: 'xterm-256color',
      cols: COLS,
      rows: ROWS,
      cwd: PROJECT_ROOT,
      env: { ...process.env, TERM: 'xterm-256color' },
    });
    this.pty.onData((data) => {
      this.raw += data;
      this.term.write(data);
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit((e) => {
        this.running = false;
        resolve(e);
      });
    });
  }

  type(data: string): void {
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.pty.resize(cols, rows);
  }

  /** Which xterm buffer is showing once all output so far is parsed. */
  async buffer(): Promise<'normal' | 'alternate'> {
    await this.parsed();
    return this.term.buffer.active.type;
  }

  /** The visible rows, right-trimmed. */
  async rows(): Promise<string[]> {
    await this.parsed();
    const buffer = this.term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i < this.term.rows; i++) rows.push(buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
    return rows;
  }

  async waitFor(what: string, accept: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await accept())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${(await this.rows()).join('\n')}\nraw: ${JSON.stringify(this.raw)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async waitForScreenText(text: string): Promise<void> {
    await this.waitFor(JSON.stringify(text), async () => (await this.rows()).join('\n').includes(text));
  }

  dispose(): void {
    if (this.running) this.pty.kill('SIGKILL');
    this.term.dispose();
  }

  private parsed(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }
}

/** Runs `agentapi attach` with plain pipes (stdin is not a terminal). */
function runAttachWithPipes(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [AGENTAPI_BIN, 'attach', '--url', url], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end();
  return new Promise((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

const ptys = new Set<AttachPty>();
const children = new Set<ReturnType<typeof spawn>>();
const httpServers = new Set<Server>();

function attachPty(url: string): AttachPty {
  const p = new AttachPty(url);
  ptys.add(p);
  return p;
}

/** A stand-in server for the one case the real one cannot be: an ACP-mode server. */
async function acpStatusServer(): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'stable', agent_type: 'claude', transport: 'acp' }));
    } else res.writeHead(404).end();
  });
  httpServers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startServer(): Promise<AgentApiProcess> {
  const server = startAgentApi({ flags: ['--host', '127.0.0.1'] });
  await server.waitForStatus('stable');
  return server;
}

afterEach(async () => {
  for (const p of ptys) p.dispose();
  ptys.clear();
  for (const c of children) c.kill('SIGKILL');
  children.clear();
  for (const s of httpServers) {
    s.closeAllConnections();
    s.close();
  }
  httpServers.clear();
  await stopAllAgentApis();
});

describe('agentapi attach', () => {
  it('shows the agent screen, forwards typed bytes to the agent, and detaches on Ctrl+C', async () => {
    const server = await startServer();
    const attach = attachPty(await server.url());

    await attach.waitForScreenText(GREETING);
    expect(await attach.buffer()).toBe('alternate');

    attach.type('hello');
    attach.type('\r');
    await attach.waitForScreenText('Echo: hello');
    // The raw bytes reached the agent: the server's own conversation shows the exchange.
    await server.waitForStatus('stable');
    const { messages } = await server.getJson<{ messages: { role: string; content: string }[] }>('/messages');
    const transcript = messages.map((m) => m.content).join('\n');
    expect(transcript).toMatch(/^> hello\s*$/m);
    expect(transcript).toMatch(/^Echo: hello\s*$/m);

    attach.type('\x03');
    expect((await attach.exited).exitCode).toBe(0);
    await attach.waitFor('the normal screen', async () => (await attach.buffer()) === 'normal');
    expect(attach.raw.lastIndexOf(LEAVE_ALT)).toBeGreaterThan(attach.raw.lastIndexOf(ENTER_ALT));
    // Ctrl+C itself never reached the agent (SIGINT would have ended it): it still answers.
    expect((await server.postMessage('still there')).status).toBe(200);
    await server.waitForStatus('stable');
    const after = await server.getJson<{ messages: { content: string }[] }>('/messages');
    expect(after.messages.at(-1)?.content.trim()).toBe('Echo: still there');
  });

  it('redraws to fit when the terminal is resized', async () => {
    const server = await startServer();
    const attach = attachPty(await server.url());
    await attach.waitForScreenText(GREETING);

    attach.resize(30, 10);
    await attach.waitFor('the greeting cut to 30 columns', async () => (await attach.rows())[0] === GREETING.slice(0, 30));
    // Cut, not wrapped onto the next row.
    expect((await attach.rows())[1]).not.toContain(GREETING.slice(30, 40));
    attach.type('\x03');
    expect((await attach.exited).exitCode).toBe(0);
  });

  it('server gone while attached: restores the terminal and exits 1 with a clear message', async () => {
    const server = await startServer();
    const attach = attachPty(await server.url());
    await attach.waitForScreenText(GREETING);

    await server.stop('SIGTERM');
    expect((await attach.exited).exitCode).toBe(1);
    await attach.waitFor('the error message', () =>
      /Error: (the agentapi server ended the screen stream|lost the connection to the agentapi server)/.test(attach.raw),
    );
    expect(await attach.buffer()).toBe('normal');
  });

  it('stdin not a terminal: exit 1 with the exact message, nothing drawn', async () => {
    const server = await startServer();
    const r = await runAttachWithPipes(await server.url());
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: attach requires an interactive terminal\n' });
  });

  it('ACP server: exit 1 with the exact message, in a terminal and without one', async () => {
    const url = await acpStatusServer();
    const piped = await runAttachWithPipes(url);
    expect(piped).toEqual({ code: 1, stdout: '', stderr: 'Error: attach is not yet supported in ACP mode\n' });

    const attach = attachPty(url);
    expect((await attach.exited).exitCode).toBe(1);
    await attach.waitFor('the error message', () => attach.raw.includes('Error: attach is not yet supported in ACP mode'));
    expect(attach.raw).not.toContain(ENTER_ALT);
  });

  it('unreachable server: a warning, then exit 1 without touching the terminal', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const attach = attachPty(url);
    expect((await attach.exited).exitCode).toBe(1);
    await attach.waitFor('the error message', () => attach.raw.includes(`Error: failed to connect to ${url}/internal/screen:`));
    expect(attach.raw).toMatch(/Warning: failed to check server status: fetch failed: .*ECONNREFUSED/);
    expect(attach.raw.indexOf('Warning:')).toBeLessThan(attach.raw.indexOf('Error:'));
    expect(attach.raw).not.toContain(ENTER_ALT);
    expect(await attach.buffer()).toBe('normal');
  });
});
