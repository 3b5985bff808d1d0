// The `agentapi format` debugging command (spec §6.9): prints what agentapi would
// store for a raw agent message read from stdin. Stays thin: it must never format
// text itself (it calls formatAgentMessage, the engine's own code path) and must
// never add bytes to the result (no trailing newline).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseAgentType, type AgentType } from '../format/agent-type.js';
import { formatAgentMessage } from '../format/format.js';

/** Separator between removed tool-call blocks in `--tool-calls` output. */
export const TOOL_CALL_SEPARATOR = '\n---\n';

export type FormatCommandErrorCode = 'invalid_agent_type' | 'user_file_unreadable' | 'stdin_unreadable';

/** A failure of the command, with a stable code and the cause's text behind a fixed context. */
export class FormatCommandError extends Error {
  constructor(
    readonly code: FormatCommandErrorCode,
    context: string,
    cause: unknown,
  ) {
    super(`${context}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'FormatCommandError';
  }
}

/** The command's outside world; tests pass their own. */
export interface FormatCommandIo {
  readStdin(): Promise<string>;
  readTextFile(path: string): Promise<string>;
  writeStdout(text: string): Promise<void>;
}

interface FormatOptions {
  type: string;
  userFile?: string;
  toolCalls?: boolean;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  // Buffer decoding keeps a BOM and replaces invalid bytes, like Go's string([]byte).
  return Buffer.concat(chunks).toString('utf8');
}

export const processIo: FormatCommandIo = {
  readStdin: () => readStream(process.stdin),
  readTextFile: async (path) => (await readFile(path)).toString('utf8'),
  writeStdout: (text) =>
    new Promise<void>((resolve, reject) => {
      if (text === '') return resolve();
      process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
    }),
};

/** Runs one `format` invocation: validates, reads, formats, writes. */
export async function runFormat(options: FormatOptions, io: FormatCommandIo): Promise<void> {
  let type: AgentType;
  try {
    type = parseAgentType(options.type);
  } catch (err) {
    throw new FormatCommandError('invalid_agent_type', 'failed to parse agent type', err);
  }

  let user = '';
  if (options.userFile !== undefined) {
    try {
      user = await io.readTextFile(options.userFile);
    } catch (err) {
      throw new FormatCommandError('user_file_unreadable', 'failed to read user file', err);
    }
  }

  let msg: string;
  try {
    msg = await io.readStdin();
  } catch (err) {
    throw new FormatCommandError('stdin_unreadable', 'failed to read stdin', err);
  }

  const result = formatAgentMessage(type, msg, user);
  await io.writeStdout(options.toolCalls === true ? result.toolCalls.join(TOOL_CALL_SEPARATOR) : result.text);
}

export function registerFormatCommand(program: Command, io: FormatCommandIo = processIo): void {
  program
    .command('format')
    .description('print the message agentapi would store for a raw agent message (screen or screen diff) read from stdin')
    .requiredOption('--type <type>', 'agent type (claude, goose, aider, codex, gemini, copilot, amp, cursor, auggie, amazonq, opencode, custom)')
    .option('--user-file <path>', 'file holding the last user input (default: no user input)')
    .option('--tool-calls', 'print the removed tool-call blocks, joined by "\\n---\\n", instead of the message')
    .action((options: FormatOptions) => runFormat(options, io));
}
