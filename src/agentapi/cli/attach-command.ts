// The `agentapi attach` sub-command (spec §2.3): parses `--url`, wires the
// real HTTP client, terminal and signals into runAttach, and turns its result
// into an exit code and a message. The composition root of attach; it must
// never hold attach behaviour, and prints only after the terminal is restored.
import type { Command } from 'commander';
import { runAttach } from '../attach/attach.js';
import { createAttachClient } from '../attach/client.js';
import { AttachError, describeError } from '../attach/errors.js';
import { processTerminal } from '../attach/local-terminal.js';
import { DEFAULT_ATTACH_URL, normalizeAttachUrl } from '../attach/url.js';

interface AttachFlags {
  url: string;
}

function writeStderr(text: string): Promise<void> {
  return new Promise((resolve) => process.stderr.write(text, () => resolve()));
}

/** Runs one attach and returns the exit code: 0 after Ctrl+C, 1 on any error. */
export async function attachToServer(flags: AttachFlags): Promise<number> {
  const client = createAttachClient(normalizeAttachUrl(flags.url));
  try {
    await runAttach({
      client,
      stdinIsTerminal: process.stdin.isTTY === true,
      openTerminal: () => processTerminal(process.stdin, process.stdout),
      signals: process,
      warn: (message) => process.stderr.write(`Warning: ${message}\n`),
    });
    return 0;
  } catch (err) {
    // An AttachError's message already carries its cause's text.
    await writeStderr(`Error: ${err instanceof AttachError ? err.message : describeError(err)}\n`);
    return 1;
  }
}

export function registerAttachCommand(program: Command): void {
  program
    .command('attach')
    .description('attach to a running agent: show its screen and type into it (Ctrl+C detaches)')
    .option('-u, --url <url>', 'URL of the agentapi server to attach to; may include a protocol and a path', DEFAULT_ATTACH_URL)
    .action(async (flags: AttachFlags) => {
      const code = await attachToServer(flags);
      // Open sockets (the aborted stream, keep-alive connections) would keep the
      // process around for a while; everything of ours is already closed.
      process.exit(code);
    });
}
