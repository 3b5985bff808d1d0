// Test fixture for `taskyard sync`: runs the REAL bin (node bin/taskyard.js)
// as a child process, asynchronously — the socket server under test lives in
// the test process, so a blocking spawnSync would deadlock it. Tests only;
// production code must never import it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../../bin/taskyard.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  /** Resolves once stdout contains `text`. */
  waitForStdout: (text: string) => Promise<void>;
  done: Promise<CliResult>;
}

/** Environment without the caller's socket path, so only what a test sets counts. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('CODER_AGENT_SOCKET_PATH' in extra)) delete env['CODER_AGENT_SOCKET_PATH'];
  return env;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): RunningCli {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { env });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters.splice(0)) {
      if (stdout.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, elapsedMs: performance.now() - started }));
  });
  return {
    child,
    stdout: () => stdout,
    waitForStdout: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            waiters.push({ text, resolve });
            void done.then((result) => reject(new Error(`exited (${result.code}) before printing ${JSON.stringify(text)}: ${result.stderr}`)));
          }),
    done,
  };
}

export function runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(args, env).done;
}

export function golden(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}
