// End-to-end: the real `agentapi demo-agent` in a real PTY (TERM=vt100, 80x24,
// cooked mode), rendered by a headless xterm, fed the exact bytes agentapi
// writes (§5.7.1). The harness lives here, not in its own module, so that no
// test code is compiled into dist/; every harness is disposed after each test.
import { spawn, type IPty } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const COLS = 80;
const ROWS = 24;

interface PtyExit {
  exitCode: number;
  signal: number | undefined;
}

class DemoAgentPty {
  /** Everything the agent wrote, as received from the PTY. */
  raw = '';
  readonly exited: Promise<PtyExit>;
  private readonly term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  private readonly pty: IPty;
  private running = true;

  constructor(args: readonly string[]) {
    this.pty = spawn(process.execPath, ['--import', 'tsx', CLI, 'demo-agent', ...args], {
      name: 'vt100',
      cols: COLS,
      rows: ROWS,
      cwd: REPO_ROOT,
      env: { ...process.env, TERM: 'vt100' },
    });
    this.pty.onData((data) => {
      this.raw += data;
      this.term.write(data);
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit(({ exitCode, signal }) => {
        this.running = false;
        resolve({ exitCode, signal });
      });
    });
  }

  /** Writes bytes to the agent's terminal, exactly as given. */
  write(data: string): void {
    this.pty.write(data);
  }

  /** Writes what agentapi writes for a message (§5.7.1), then `\r`. */
  sendMessage(text: string): void {
    this.write(`x\b\x1b[200~${text}\x1b[201~`);
    this.write('\r');
  }

  /**
   * The visible screen as logical lines (a row the terminal wrapped onto the
   * next is joined with it), right-trimmed, without trailing blank lines,
   * once all output received so far is parsed.
   */
  async screen(): Promise<string[]> {
    await new Promise<void>((resolve) => this.term.write('', resolve));
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const row = buffer.getLine(i);
      const text = row?.translateToString(true) ?? '';
      if (row?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  /** Polls the screen until `accept` is true; fails with the last screen. */
  async waitForScreen(accept: (rows: string[]) => boolean, timeoutMs = 8000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.screen();
      if (accept(rows)) return rows;
      if (Date.now() > deadline) {
        throw new Error(`screen did not match within ${timeoutMs} ms:\n${rows.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Polls the raw output until `accept` is true. */
  async waitForRaw(accept: (raw: string) => boolean, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!accept(this.raw)) {
      if (Date.now() > deadline) throw new Error(`output did not match within ${timeoutMs} ms: ${JSON.stringify(this.raw)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends a signal to the agent process (not through the terminal). */
  signal(name: NodeJS.Signals): void {
    process.kill(this.pty.pid, name);
  }

  /** Kills the agent if it still runs, waits for its exit, frees the emulator. */
  async dispose(): Promise<void> {
    if (this.running) this.pty.kill('SIGKILL');
    await this.exited;
    this.term.dispose();
  }
}

const GREETING = "Hello! I'm the taskyard demo agent. Send me a message and I'll echo it back.";
const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

const agents: DemoAgentPty[] = [];
function start(...args: string[]): DemoAgentPty {
  const agent = new DemoAgentPty(args);
  agents.push(agent);
  return agent;
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.dispose()));
});

describe('demo-agent in a PTY', () => {
  it('echo mode: greeting, then `> hello`, `Echo: hello` and the prompt, every line at column 0', async () => {
    const agent = start();
    expect(await agent.waitForScreen((rows) => rows[0] === GREETING)).toEqual([GREETING, '> ']);

    agent.write('x\b\x1b[200~hello\x1b[201~');
    // Cooked-mode echo shows the typed bytes before `\r`: agentapi's echo
    // detection waits for exactly this screen change.
    await agent.waitForScreen((rows) => rows[1] === '> x^H^[[200~hello^[[201~');
    agent.write('\r');

    expect(await agent.waitForScreen((rows) => rows.includes('Echo: hello'))).toEqual([
      GREETING,
      '> hello',
      'Echo: hello',
      '> ',
    ]);
    expect(agent.raw).toContain('\r\n'); // onlcr turned our `\n` into CRLF
  });

  it('--greeting and --think-ms: the reply comes after a spinner', async () => {
    const agent = start('--greeting', 'Yo.', '--think-ms', '500');
    await agent.waitForScreen((rows) => rows[0] === 'Yo.');
    agent.sendMessage('hi');
    await agent.waitForScreen((rows) => rows.at(-1)?.startsWith('Thinking') ?? false);
    expect(await agent.waitForScreen((rows) => rows.includes('Echo: hi'))).toEqual(['Yo.', '> hi', 'Echo: hi', '> ']);
    expect(agent.raw).toContain('\rThinking |');
    expect(agent.raw).toContain(`\r${' '.repeat(20)}\r`);
  });

  it('script mode with thinking: spinner, spontaneous messages, expected input', async () => {
    const agent = start(testdata('thinking.json'));
    await agent.waitForScreen((rows) => rows[0]?.startsWith('Thinking ') ?? false);
    await agent.waitForRaw((raw) => raw.includes('\rThinking |') && raw.includes('\rThinking /'));
    expect(await agent.waitForScreen((rows) => rows[0] === 'Ready when you are.')).toEqual(['Ready when you are.', '> ']);

    agent.sendMessage('What is the answer?');
    expect(await agent.waitForScreen((rows) => rows.includes('42'))).toEqual([
      'Ready when you are.',
      '> What is the answer?',
      "Gosh, I'll need some time to think about that...",
      '42',
      '> ',
    ]);
  });

  it('script mode ignores input after the last entry unless --echo is given', async () => {
    const idle = start(testdata('echo-once.json'));
    const echoing = start(testdata('echo-once.json'), '--echo');
    for (const agent of [idle, echoing]) {
      await agent.waitForScreen((rows) => rows[0]?.startsWith('Hello!') ?? false);
      agent.sendMessage('This is a test message.');
      await agent.waitForScreen((rows) => rows.includes('Echo: This is a test message.'));
      agent.sendMessage('more');
    }
    expect(await echoing.waitForScreen((rows) => rows.includes('Echo: more'))).toEqual([
      "Hello! I'm ready to help you. Please send me a message to echo back.",
      '> This is a test message.',
      'Echo: This is a test message.',
      '> more',
      'Echo: more',
      '> ',
    ]);
    const idleScreen = await idle.screen();
    expect(idleScreen).not.toContain('Echo: more');
    expect(idleScreen.slice(0, 3)).toEqual([
      "Hello! I'm ready to help you. Please send me a message to echo back.",
      '> This is a test message.',
      'Echo: This is a test message.',
    ]);
  });

  it('a message the script does not expect exits 1 with the exact error', async () => {
    const agent = start(testdata('echo-once.json'));
    await agent.waitForScreen((rows) => rows[0]?.startsWith('Hello!') ?? false);
    agent.sendMessage('wrong');
    expect((await agent.exited).exitCode).toBe(1);
    expect(await agent.screen()).toEqual([
      "Hello! I'm ready to help you. Please send me a message to echo back.",
      '> x^H^[[200~wrong^[[201~', // the terminal's echo of the typed bytes
      "Error: Expected message 'This is a test message.' but received 'wrong'",
    ]);
  });

  it.each([
    ['SIGINT', true],
    ['SIGTERM', false],
    ['SIGHUP', false],
  ] as const)('%s exits 0 (prints Exiting...: %s)', async (signal, printsExiting) => {
    const agent = start();
    await agent.waitForScreen((rows) => rows[0] === GREETING);
    agent.signal(signal);
    expect(await agent.exited).toEqual({ exitCode: 0, signal: 0 });
    // Printed right after the prompt, as upstream does.
    expect((await agent.screen()).at(-1)).toBe(printsExiting ? '> Exiting...' : '> ');
  });

  it('Ctrl+C typed into the terminal prints Exiting... and exits 0', async () => {
    const agent = start();
    await agent.waitForScreen((rows) => rows[0] === GREETING);
    agent.write('\x03');
    expect((await agent.exited).exitCode).toBe(0);
    expect((await agent.screen()).at(-1)).toBe('> ^CExiting...');
  });

  it.each([
    ['missing file', 'nonexistent.json', `Error loading script: failed to read script file: ENOENT: no such file or directory, open '${testdata('nonexistent.json')}'`],
    ['invalid JSON', 'truncated.json', `Error loading script: failed to parse script JSON: ${jsonSyntaxMessage(readFileSync(testdata('truncated.json'), 'utf8'))}`],
    ['wrong types', 'wrong-types.json', 'Error loading script: invalid script: script[0].responseMessage: Invalid input: expected string, received number'],
    ['empty array', 'empty.json', 'Script is empty'],
  ])('%s: exit 1 with the exact message', async (_name, file, expected) => {
    const agent = start(testdata(file));
    expect((await agent.exited).exitCode).toBe(1);
    expect(await agent.screen()).toEqual([expected]);
  });

  it('an invalid --think-ms is a usage error, exit 1', async () => {
    const agent = start('--think-ms', 'soon');
    expect((await agent.exited).exitCode).toBe(1);
    expect((await agent.screen()).join('\n')).toContain("option '--think-ms <ms>' argument 'soon' is invalid");
  });
});

function jsonSyntaxMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected invalid JSON');
}
