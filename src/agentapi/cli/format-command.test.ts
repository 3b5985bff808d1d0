// Tests for `agentapi format`: in process with fake IO, and spawned through the real bin entry (§6.9).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, type ExpectStatic } from 'vitest';
import {
  formatCases,
  OWN_TESTDATA,
  PROJECT_ROOT,
  SHARED_FIXTURES,
  sharedFixturesPresent,
  typeDirs,
  warnIfSharedFixturesAbsent,
  type FormatCase,
} from '../format/testdata/cases.js';
import { FormatCommandError, registerFormatCommand, runFormat, type FormatCommandIo } from './format-command.js';

const TOOL_CALL = '● coder - coder_report_task (MCP)(summary: "x")\n  ⎿  {\n       "message": "Thanks for reporting!"\n     }';

/** In-memory IO: one stdin text, a map of readable files, captured stdout. */
function fakeIo(stdin: string, files: Record<string, string> = {}): FormatCommandIo & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    readStdin: () => Promise.resolve(stdin),
    readTextFile: (p) => {
      const text = files[p];
      return text === undefined ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${p}'`)) : Promise.resolve(text);
    },
    writeStdout: (text) => {
      out.push(text);
      return Promise.resolve();
    },
  };
}

describe('runFormat (in process)', () => {
  it('writes the formatted message without adding a newline', async () => {
    const io = fakeIo('> hi\n\nHello  \n\n', { 'u.txt': 'hi' });
    await runFormat({ type: 'claude', userFile: 'u.txt' }, io);
    expect(io.out.join('')).toBe('Hello  ');
  });

  it('treats an absent --user-file as empty user input (nothing is cut as an echo)', async () => {
    const io = fakeIo('hi\nHello');
    await runFormat({ type: 'custom' }, io);
    expect(io.out.join('')).toBe('hi\nHello');
  });

  it('accepts aliases (q → amazonq, cursor-agent → cursor)', async () => {
    for (const type of ['q', 'cursor-agent']) {
      const io = fakeIo('text');
      await runFormat({ type }, io);
      expect(io.out.join('')).toBe('text');
    }
  });

  it('--tool-calls writes the removed blocks joined by \\n---\\n, in reverse order', async () => {
    const second = TOOL_CALL.replace('"x"', '"y"');
    const io = fakeIo(`a\n${TOOL_CALL}\nb\n${second}\nc`);
    await runFormat({ type: 'claude', toolCalls: true }, io);
    expect(io.out.join('')).toBe(`${second}\n---\n${TOOL_CALL}`);
  });

  it('--tool-calls writes nothing when there are none', async () => {
    const io = fakeIo('plain');
    await runFormat({ type: 'claude', toolCalls: true }, io);
    expect(io.out.join('')).toBe('');
  });

  it.each([
    [{ type: 'bogus' }, 'invalid_agent_type', 'failed to parse agent type: invalid agent type: bogus'],
    [{ type: '' }, 'invalid_agent_type', 'failed to parse agent type: invalid agent type: '],
    [{ type: 'claude', userFile: 'missing.txt' }, 'user_file_unreadable', "failed to read user file: ENOENT: no such file or directory, open 'missing.txt'"],
  ])('%j fails with %s', async (options, code, message) => {
    const io = fakeIo('x');
    const failure = runFormat(options, io);
    await expect(failure).rejects.toBeInstanceOf(FormatCommandError);
    await expect(failure).rejects.toMatchObject({ code, message });
    expect(io.out).toEqual([]);
  });

  it('wraps a stdin failure', async () => {
    const io: FormatCommandIo = { ...fakeIo(''), readStdin: () => Promise.reject(new Error('EIO')) };
    await expect(runFormat({ type: 'claude' }, io)).rejects.toMatchObject({ code: 'stdin_unreadable', message: 'failed to read stdin: EIO' });
  });

  it('registers `format` with the documented options', () => {
    const program = new Command('agentapi');
    registerFormatCommand(program, fakeIo(''));
    const format = program.commands.find((c) => c.name() === 'format');
    expect(format?.options.map((o) => o.long)).toEqual(['--type', '--user-file', '--tool-calls']);
  });
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real bin entry (`src/agentapi/cli.ts`) from the project root. */
function runCli(args: string[], stdin: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/agentapi/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    // The command may exit before reading stdin (bad flags); ignore the broken pipe.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin, 'utf8');
  });
}

/**
 * Spawning costs ~0.5 s, so each agent-type directory goes through the CLI once:
 * the case with expected tool calls (checked in both modes) or else one with user
 * input (so `--user-file` is exercised). Every case is checked in process by
 * format.test.ts through the same formatAgentMessage.
 */
function representative(cases: readonly FormatCase[]): FormatCase {
  const pick = cases.find((c) => c.expectedToolCalls !== undefined) ?? cases.find((c) => c.user !== '') ?? cases[0];
  if (pick === undefined) throw new Error('no cases');
  return pick;
}

async function expectCaseThroughCli(c: FormatCase, expect: ExpectStatic): Promise<void> {
  const args = ['format', '--type', c.type, '--user-file', path.join(c.dir, 'user.txt')];
  const [text, toolCalls] = await Promise.all([
    runCli(args, c.msg),
    c.expectedToolCalls === undefined ? undefined : runCli([...args, '--tool-calls'], c.msg),
  ]);
  expect(text, c.name).toEqual({ code: 0, stdout: c.expected, stderr: '' });
  if (toolCalls !== undefined) expect(toolCalls, `${c.name} --tool-calls`).toEqual({ code: 0, stdout: c.expectedToolCalls, stderr: '' });
}

describe.concurrent('agentapi format (spawned, §6.9)', () => {
  it('unknown type: the 2.2.4 error on stderr, exit 1, no stdout', async ({ expect }) => {
    const r = await runCli(['format', '--type', 'bogus'], 'x');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: failed to parse agent type: invalid agent type: bogus\n' });
  });

  it('missing user file: clear error, exit 1', async ({ expect }) => {
    const r = await runCli(['format', '--type', 'claude', '--user-file', 'does/not/exist.txt'], 'x');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: failed to read user file: ENOENT: .*does\/not\/exist\.txt/);
  });

  it('missing --type: usage error, exit 1', async ({ expect }) => {
    const r = await runCli(['format'], 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("required option '--type <type>' not specified");
  });

  it('own golden case with tool calls, byte for byte', async ({ expect }) => {
    await expectCaseThroughCli(representative(formatCases(path.join(OWN_TESTDATA, 'format'))), expect);
  });
});

warnIfSharedFixturesAbsent('agentapi format CLI fixtures');
const SHARED_FORMAT = path.join(SHARED_FIXTURES, 'msgfmt/format');

describe.skipIf(!sharedFixturesPresent)('agentapi format (spawned): one case per shared fixture type directory (§6.9.2)', () => {
  it.concurrent.for(typeDirs(SHARED_FORMAT))('%s', async (type, { expect }) => {
    await expectCaseThroughCli(representative(formatCases(SHARED_FORMAT).filter((c) => c.type === type)), expect);
  });
});
